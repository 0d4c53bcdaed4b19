import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { Clock } from '../src/common/clock';
import { AtRiskAlertJob } from '../src/modules/alerts/at-risk-alert-job';
import type { CaughtMail, TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

// Monday 30 Nov 2026, 08:00 in Helsinki: the default slot (weekly, Monday 08:00 in the instructor's zone).
const T0 = new Date('2026-11-30T06:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(T0.getTime() - days * DAY);

/** The students an alert lists: email → reasons, read from the text part (`- Name <email> [cohort]: reasons`). */
function listed(mail: CaughtMail): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of mail.text.split(/\r?\n/)) {
    const m = /^- .+? <([^>]+)>(?: \[[^\]]+\])?: (.+)$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  return rows;
}

const emails = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `s${String(from + i).padStart(3, '0')}@alerts.test`);

describe('instructor at-risk alerts (e2e, real SMTP sink)', () => {
  let t: TestApp;
  let workers: INestApplicationContext[];
  let admin: string;
  let olga: User;
  let courseA: { id: string; modules: string[] };
  let courseB: { id: string; modules: string[] };

  const http = () => t.http();
  const setClock = (at: Date) => {
    for (const context of [t.app, ...workers]) context.get(Clock, { strict: false }).set(at);
  };
  const job = (i = 0) => workers[i].get(AtRiskAlertJob, { strict: false });
  const alertsTo = (email: string) => t.mail.messages.filter((m) => m.to.includes(email) && /need(s)? attention/.test(m.subject));

  async function course(title: string, owner: User): Promise<{ id: string; modules: string[] }> {
    const id = (
      await http()
        .post('/api/v1/courses')
        .set(bearer(owner.accessToken))
        .send({ title, reminderPolicy: { inactivityDays: 7 } })
        .expect(201)
    ).body.id as string;
    const modules: string[] = [];
    for (const n of [1, 2]) {
      const material = (
        await http()
          .post('/api/v1/materials')
          .set(bearer(admin))
          .send({ title: `Reading ${randomUUID()}`, kind: 'article', url: 'https://example.edu/r' })
          .expect(201)
      ).body.id;
      const moduleId = (
        await http()
          .post(`/api/v1/courses/${id}/modules`)
          .set(bearer(owner.accessToken))
          .send({ title: `${title} module ${n}` })
          .expect(201)
      ).body.id as string;
      await http()
        .post(`/api/v1/modules/${moduleId}/items`)
        .set(bearer(owner.accessToken))
        .send({ materialId: material, required: true, completion: { type: 'view' } })
        .expect(201);
      modules.push(moduleId);
    }
    await http().post(`/api/v1/courses/${id}/publish`).set(bearer(owner.accessToken)).expect(200);
    return { id, modules };
  }

  /**
   * Students seeded set-based: `n` users `s<from…>` enrolled active in the course with the given
   * counters (required items: 2), module 1 completed unless `module1Done` is false.
   */
  async function seed(
    courseId: string,
    module1: string,
    from: number,
    to: number,
    s: { lastActivity: Date; percent: number; completed: number; module1Done: boolean; cohortId?: string | null; status?: string },
  ) {
    await t.db.query(
      `WITH u AS (
         INSERT INTO users (email, name, role)
         SELECT 's' || lpad(i::text, 3, '0') || '@alerts.test', 'Student ' || lpad(i::text, 3, '0'), 'student' FROM generate_series($1::int, $2::int) i
         RETURNING id
       ), e AS (
         INSERT INTO enrolments (course_id, user_id, cohort_id, status, activated_at, created_at, last_activity_at, completed_required, progress_percent)
         SELECT $3, u.id, $4, $5, $6::timestamptz - interval '60 days', $6::timestamptz - interval '60 days', $7, $8, $9 FROM u
         RETURNING id
       )
       INSERT INTO module_completions (enrolment_id, module_id, completed_at) SELECT e.id, $10, $7 FROM e WHERE $11`,
      [from, to, courseId, s.cohortId ?? null, s.status ?? 'active', T0, s.lastActivity, s.completed, s.percent, module1, s.module1Done],
    );
  }

  beforeAll(async () => {
    t = await startTestApp();
    workers = [await t.startWorker(), await t.startWorker()];
    setClock(ago(5)); // the assignments below are created before their due dates
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    olga = await createUser(t, admin, { email: 'olga@alerts.test', role: 'instructor', name: 'Olga Owner' });
    await http().patch(`/api/v1/users/${olga.id}`).set(bearer(admin)).send({ timezone: 'Europe/Helsinki' }).expect(200);
    courseA = await course('Bargaining with the Devil', olga);
    courseB = await course('Great Negotiator: Ahtisaari', olga);
    const evening = (
      await http().post(`/api/v1/courses/${courseA.id}/cohorts`).set(bearer(olga.accessToken)).send({ name: 'Evening' }).expect(201)
    ).body.id as string;

    const [m1] = courseA.modules;
    const fine = { lastActivity: ago(1), percent: 60, completed: 1, module1Done: true };
    // Course A, 200 students: 150 without a cohort (median 60), 50 in "Evening" (median 90).
    await seed(courseA.id, m1, 1, 10, { ...fine, lastActivity: ago(10) }); // inactive 10 days, work left
    await seed(courseA.id, m1, 11, 12, { lastActivity: ago(20), percent: 100, completed: 2, module1Done: true }); // quiet but done: fine
    await seed(courseA.id, m1, 13, 22, { ...fine, percent: 50, module1Done: false }); // module 1 overdue by 3 days
    await seed(courseA.id, m1, 23, 30, { ...fine, percent: 20 }); // behind: 20 < 60 - 30
    await seed(courseA.id, m1, 31, 31, { ...fine, percent: 30 }); // exactly 30 points behind: not "far" behind
    await seed(courseA.id, m1, 32, 32, { lastActivity: ago(10), percent: 10, completed: 0, module1Done: false }); // all three
    await seed(courseA.id, m1, 33, 33, { lastActivity: ago(30), percent: 0, completed: 0, module1Done: false, status: 'dropped' }); // dropped: never listed
    await seed(courseA.id, m1, 34, 150, fine);
    await seed(courseA.id, m1, 151, 155, { ...fine, percent: 55, cohortId: evening }); // behind their cohort (55 < 90 - 30), fine course-wide
    await seed(courseA.id, m1, 156, 200, { ...fine, percent: 90, cohortId: evening });
    // Course B (also Olga's): 6 students, one inactive.
    await seed(courseB.id, courseB.modules[0], 201, 201, { ...fine, percent: 50, lastActivity: ago(8) });
    await seed(courseB.id, courseB.modules[0], 202, 206, { ...fine, percent: 50 });

    // Module 1 of each course was due three days before the slot.
    for (const c of [courseA, courseB])
      await http()
        .post(`/api/v1/courses/${c.id}/assignments`)
        .set(bearer(olga.accessToken))
        .send({ moduleId: c.modules[0], dueAt: ago(3).toISOString(), target: { type: 'course' } })
        .expect(201);
  }, 120_000);
  afterAll(() => t?.close());

  it('names exactly the students at risk, with their reasons in words, in one email across the instructor’s courses', async () => {
    setClock(new Date(T0.getTime() - 60_000)); // a minute before the slot: nothing yet
    expect(await job().run()).toBe(0);
    setClock(new Date(T0.getTime() + 60_000));
    expect(await job().run()).toBe(1);
    const [mail, ...more] = alertsTo(olga.email);
    expect(more).toEqual([]);
    const rows = listed(mail);

    const inactive = [...emails(1, 10), ...emails(201, 201)];
    const overdue = emails(13, 22);
    const behind = [...emails(23, 30), ...emails(151, 155)];
    const all = 's032@alerts.test';
    expect(new Set(rows.keys())).toEqual(new Set([...inactive, ...overdue, ...behind, all]));
    for (const e of emails(1, 10)) expect(rows.get(e)).toBe('inactive for 10 days with required work left');
    expect(rows.get('s201@alerts.test')).toBe('inactive for 8 days with required work left');
    for (const e of overdue) expect(rows.get(e)).toBe('overdue: “Bargaining with the Devil module 1” by 3 days');
    for (const e of emails(23, 30)) expect(rows.get(e)).toBe('far behind: 20% done, the course median is 60%');
    for (const e of emails(151, 155)) expect(rows.get(e)).toBe('far behind: 55% done, the cohort median is 90%');
    expect(rows.get(all)).toBe(
      'inactive for 10 days with required work left; overdue: “Bargaining with the Devil module 1” by 3 days; far behind: 10% done, the course median is 60%',
    );

    expect(mail.subject).toBe(`${rows.size} students need attention in your Accord courses`);
    expect(mail.text).toContain(`Bargaining with the Devil\nProgress report: https://accord.test/teach/courses/${courseA.id}/progress\n`);
    expect(mail.text).toContain(`Great Negotiator: Ahtisaari\nProgress report: https://accord.test/teach/courses/${courseB.id}/progress\n`);
    const { rows: s001 } = await t.db.query(
      `SELECT e.id FROM enrolments e JOIN users u ON u.id = e.user_id WHERE u.email = 's001@alerts.test'`,
    );
    expect(mail.text).toContain(`https://accord.test/teach/courses/${courseA.id}/progress/${s001[0].id}`);
    expect(mail.html).toContain(`href="https://accord.test/teach/courses/${courseA.id}/progress/${s001[0].id}"`);
    expect(mail.text).toContain('weekly, Mondays at 08:00 (Europe/Helsinki)');
    expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/accord\.test\/unsubscribe\?token=[^>]+>$/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    const { rows: alerts } = await t.db.query(`SELECT status, slot_at, student_count, message_id FROM at_risk_alerts WHERE user_id = $1`, [
      olga.id,
    ]);
    expect(alerts).toEqual([{ status: 'sent', slot_at: T0, student_count: rows.size, message_id: mail.messageId }]);
    // The same slot again (the next run, within the grace period): nothing more.
    setClock(new Date(T0.getTime() + 3 * 3600_000));
    expect(await job().run()).toBe(0);
    expect(alertsTo(olga.email)).toHaveLength(1);
  });

  it('sends a slot exactly once when two workers race for it, and takes over the slot of a sender that died', async () => {
    // Daily at 09:00 Helsinki from now on; the next slot is Tuesday 1 Dec 07:00Z.
    await http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(olga.accessToken))
      .send({ atRiskAlerts: { frequency: 'daily', hour: 9 } })
      .expect(200);
    const slot = new Date('2026-12-01T07:00:00Z');
    setClock(new Date(slot.getTime() + 1000));
    const before = alertsTo(olga.email).length;
    const results = await Promise.all([job(0).run(), job(1).run(), job(0).run(), job(1).run()]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    expect(alertsTo(olga.email)).toHaveLength(before + 1);
    const { rows } = await t.db.query(
      `SELECT status, count(*)::int AS n FROM at_risk_alerts WHERE user_id = $1 AND slot_at = $2 GROUP BY status`,
      [olga.id, slot],
    );
    expect(rows).toEqual([{ status: 'sent', n: 1 }]);

    // Next day's slot: a sender claims it and dies before sending (its lease is held, then expires).
    const next = new Date('2026-12-02T07:00:00Z');
    setClock(new Date(next.getTime() + 1000));
    await job(0).plan();
    const repository = workers[0].get((await import('../src/modules/alerts/at-risk-alerts.repository')).AtRiskAlertsRepository, {
      strict: false,
    });
    const claimed = await repository.claimDue(new Date(next.getTime() + 1000), t.config.reminders.leaseSeconds, 10);
    expect(claimed).toHaveLength(1);
    // While the lease holds, the other worker leaves the slot alone.
    expect(await job(1).run()).toBe(0);
    expect(alertsTo(olga.email)).toHaveLength(before + 1);
    // Once it has expired, the slot is taken over and sent once.
    setClock(new Date(next.getTime() + (t.config.reminders.leaseSeconds + 5) * 1000));
    expect(await Promise.all([job(0).run(), job(1).run()])).toEqual(expect.arrayContaining([1, 0]));
    expect(alertsTo(olga.email)).toHaveLength(before + 2);
    const { rows: sent } = await t.db.query(`SELECT status, attempts FROM at_risk_alerts WHERE user_id = $1 AND slot_at = $2`, [
      olga.id,
      next,
    ]);
    expect(sent).toEqual([{ status: 'sent', attempts: 2 }]);
  });

  it('leaves out the reasons an instructor turned off, and one click unsubscribes from the alert', async () => {
    const prefs = await http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(olga.accessToken))
      .send({ atRiskAlerts: { overdue: false, behind: false } })
      .expect(200);
    expect(prefs.body.atRiskAlerts).toEqual({ frequency: 'daily', hour: 9, weekday: 1, inactive: true, overdue: false, behind: false });
    setClock(new Date('2026-12-03T07:00:30Z'));
    expect(await job().run()).toBe(1);
    const mail = alertsTo(olga.email).at(-1)!;
    const rows = listed(mail);
    // Only inactivity now (the overdue-only and behind-only students drop out); days counted from the new now.
    expect(new Set(rows.keys())).toEqual(new Set([...emails(1, 10), 's032@alerts.test', 's201@alerts.test']));
    expect(rows.get('s032@alerts.test')).toBe('inactive for 13 days with required work left');

    const url = /^<(.+)>$/.exec(mail.headers['list-unsubscribe'])![1];
    const path = new URL(url).pathname + new URL(url).search;
    const res = await http().post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.text).toContain('at-risk student alerts');
    const after = await http().get('/api/v1/me/notification-preferences').set(bearer(olga.accessToken)).expect(200);
    expect(after.body.atRiskAlerts.frequency).toBe('off');
    // No slot planned any more.
    setClock(new Date('2026-12-04T07:00:30Z'));
    expect(await job().run()).toBe(0);
    const { rows: planned } = await t.db.query(
      `SELECT count(*)::int AS n FROM at_risk_alerts WHERE user_id = $1 AND slot_at > '2026-12-03T08:00:00Z'`,
      [olga.id],
    );
    expect(planned[0].n).toBe(0);
  });

  it('gives a slot whose sending failed back to the next run, which sends it once', async () => {
    await http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(olga.accessToken))
      .send({ atRiskAlerts: { frequency: 'daily' } })
      .expect(200);
    const slot = new Date('2026-12-05T07:00:00Z');
    setClock(new Date(slot.getTime() + 30_000));
    const before = alertsTo(olga.email).length;
    t.mail.failNext(1);
    expect(await job().run()).toBe(0);
    const row = () =>
      t.db.query(`SELECT status, attempts, last_error FROM at_risk_alerts WHERE user_id = $1 AND slot_at = $2`, [olga.id, slot]);
    const { rows: failed } = await row();
    expect(failed).toMatchObject([{ status: 'pending', attempts: 1, last_error: expect.stringMatching(/.+/) }]);
    expect(alertsTo(olga.email)).toHaveLength(before);
    setClock(new Date(slot.getTime() + 5 * 60_000));
    expect(await job().run()).toBe(1);
    expect(alertsTo(olga.email)).toHaveLength(before + 1);
    expect((await row()).rows).toEqual([{ status: 'sent', attempts: 2, last_error: null }]);
  });

  it('refuses bad alert preferences with problem+json', async () => {
    for (const atRiskAlerts of [{ frequency: 'hourly' }, { hour: 24 }, { weekday: 0 }, { inactive: 'yes' }, { extra: true }]) {
      const res = await http().patch('/api/v1/me/notification-preferences').set(bearer(olga.accessToken)).send({ atRiskAlerts });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
