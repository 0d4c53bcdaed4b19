import type { Role } from '../modules/users/role';

/** Demo accounts printed by `npm start` (and listed in the README). Only created when missing; never overwritten. */
export const DEMO_USERS: Array<{ email: string; name: string; role: Role; password: string; timezone: string }> = [
  { email: 'admin@accord.local', name: 'Ada Admin', role: 'admin', password: 'accord-admin-demo', timezone: 'UTC' },
  {
    email: 'instructor@accord.local',
    name: 'Ines Instructor',
    role: 'instructor',
    password: 'accord-instructor-demo',
    timezone: 'America/New_York',
  },
  { email: 'student@accord.local', name: 'Sam Student', role: 'student', password: 'accord-student-demo', timezone: 'Europe/Helsinki' },
  {
    email: 'student2@accord.local',
    name: 'Lucía Estudiante',
    role: 'student',
    password: 'accord-student-demo',
    timezone: 'America/Bogota',
  },
  { email: 'student3@accord.local', name: 'Chen Wei', role: 'student', password: 'accord-student-demo', timezone: 'Asia/Shanghai' },
];

/** What the seed leaves the demo students in, as the banner and the README say it (test/seed.e2e-spec.ts holds them to it). */
export const DEMO_STUDENT_STATE =
  'The students are enrolled in the demo course and have not started it (invited until their first sign-in, then active).';

/** The banner's account lines, exactly as README.md shows them. */
export function demoAccountLines(): string[] {
  return [
    '  Demo accounts:',
    ...DEMO_USERS.map((u) => `    ${u.role.padEnd(16)}${u.email.padEnd(28)} ${u.password}`),
    `  ${DEMO_STUDENT_STATE}`,
  ];
}
