import type { Role } from '../modules/users/role';

/** Demo accounts printed by `npm start`. Only created when missing; never overwritten. */
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
