import { readFileSync } from 'fs';
import { join } from 'path';
import { DEMO_STUDENT_STATE, demoAccountLines } from '../src/seed/demo-users';
import { DEMO_COURSE } from '../src/seed/catalogue';
import type { TestApp } from './helpers/app';
import { bearer, login, startTestApp } from './helpers/app';
import { demoSeeder } from './helpers/seed';

/** Issue 19 item 6: the demo accounts and their states are what the README and the `npm start` banner say. */
describe('demo seed (e2e)', () => {
  let t: TestApp;
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  // The accounts as a newcomer reads them in the README: "    <role>   <email>   <password>".
  const accounts = [...readme.matchAll(/^ {4}(admin|instructor|student) +(\S+@\S+) +(\S+)$/gm)].map(([, role, email, password]) => ({
    role,
    email,
    password,
  }));
  const students = accounts.filter((a) => a.role === 'student');

  beforeAll(async () => {
    t = await startTestApp();
    await demoSeeder(t).run();
  });
  afterAll(() => t.close());

  it('prints in the banner exactly the accounts and states the README shows', () => {
    expect(readme).toContain(demoAccountLines().join('\n'));
    expect(accounts.map((a) => a.role)).toEqual(['admin', 'instructor', 'student', 'student', 'student']);
    expect(readme).toContain(DEMO_STUDENT_STATE);
  });

  it('leaves every README student enrolled in the demo course, invited and not started', async () => {
    const { rows } = await t.db.query(
      `SELECT u.email, e.status, u.role,
              (SELECT count(*)::int FROM item_progress p WHERE p.enrolment_id = e.id) AS progress
         FROM enrolments e JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id
        WHERE c.slug = $1`,
      [DEMO_COURSE.slug],
    );
    const byEmail = (a: { email: string }, b: { email: string }) => (a.email < b.email ? -1 : 1);
    expect(rows.sort(byEmail)).toEqual(
      students.map((s) => ({ email: s.email, status: 'invited', role: 'student', progress: 0 })).sort(byEmail),
    );
  });

  it('signs every README account in with the README password, in its role; a student’s first sign-in makes the enrolment active', async () => {
    for (const account of accounts) {
      const session = await login(t, account.email, account.password);
      const me = await t.http().get('/api/v1/me').set(bearer(session.accessToken));
      expect({ email: me.body.email, role: me.body.role }).toEqual({ email: account.email, role: account.role });
      if (account.role !== 'student') continue;
      const mine = await t.http().get('/api/v1/me/enrolments').set(bearer(session.accessToken));
      expect(mine.body.data).toEqual([
        expect.objectContaining({ courseSlug: DEMO_COURSE.slug, status: 'active', progressPercent: 0, lastActivityAt: null }),
      ]);
    }
    const teaches = await t.db.query(
      'SELECT u.email FROM course_instructors ci JOIN users u ON u.id = ci.user_id JOIN courses c ON c.id = ci.course_id WHERE c.slug = $1',
      [DEMO_COURSE.slug],
    );
    expect(teaches.rows).toEqual([{ email: accounts.find((a) => a.role === 'instructor')!.email }]);
  });
});
