import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { QueueName } from '../src/modules/jobs/queues';
import type { CaughtMail, TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, METRICS_TOKEN, startTestApp } from './helpers/app';
import { ReminderDriver } from './helpers/reminders';

type User = Awaited<ReturnType<typeof createUser>>;

const T0 = new Date('2026-12-01T12:00:00Z'); // 14:00 in Helsinki, 07:00 in Bogotá (quiet until 08:00 = 13:00Z)
const H = 3600_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
/** The digest every user has until they choose one. */
const DIGEST_OFF = { frequency: 'off', hour: 7, weekday: 1 };

describe('reminders (e2e, real SMTP sink and BullMQ)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let driver: ReminderDriver;
  let admin: string;
  let owner: User;
  let other: User;
  let sam: User;
  let ana: User;

  const http = () => t.http();
  const as = (token: string) => bearer(token);
  const mailsTo = (email: string, kind?: string) =>
    t.mail.messages.filter((m) => m.to.includes(email) && (!kind || m.subject.toLowerCase().includes(kind)));

  async function course(title: string, policy: object = {}) {
    const id = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title, reminderPolicy: policy })).body.id as string;
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(as(admin))
        .send({ title: `Reading ${randomUUID()}`, kind: 'article', url: 'https://example.edu/r' })
    ).body.id;
    const moduleId = (
      await http()
        .post(`/api/v1/courses/${id}/modules`)
        .set(as(owner.accessToken))
        .send({ title: `${title} module` })
    ).body.id as string;
    const itemId = (
      await http()
        .post(`/api/v1/modules/${moduleId}/items`)
        .set(as(owner.accessToken))
        .send({ materialId: material, completion: { type: 'view' } })
    ).body.id as string;
    await http().post(`/api/v1/courses/${id}/publish`).set(as(owner.accessToken)).expect(200);
    return { id, moduleId, itemId };
  }
  const enrol = async (courseId: string, body: object) =>
    (await http().post(`/api/v1/courses/${courseId}/enrolments`).set(as(owner.accessToken)).send(body)).body.id as string;
  const assign = async (courseId: string, moduleId: string, dueAt: Date, target: object = { type: 'course' }) =>
    (
      await http()
        .post(`/api/v1/courses/${courseId}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId, dueAt: dueAt.toISOString(), target })
    ).body.id as string;
  const uniqueIds = (messages: CaughtMail[]) => new Set(messages.map((m) => m.messageId)).size;

  beforeAll(async () => {
    t = await startTestApp();
    worker = await t.startWorker();
    driver = new ReminderDriver(t, [worker]);
    driver.setClock(T0);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'owner@test.local', role: 'instructor', name: 'Olga Owner' });
    other = await createUser(t, admin, { email: 'other@test.local', role: 'instructor' });
    sam = await createUser(t, admin, { email: 'sam@test.local', role: 'student', name: 'Sam' });
    ana = await createUser(t, admin, { email: 'ana@test.local', role: 'student', name: 'Ana' });
    await http().patch(`/api/v1/users/${sam.id}`).set(as(admin)).send({ timezone: 'Europe/Helsinki' }).expect(200);
    await http().patch(`/api/v1/users/${ana.id}`).set(as(admin)).send({ timezone: 'America/Bogota' }).expect(200);
  });
  afterAll(() => t.close());
  beforeEach(() => driver.setClock(T0)); // each test starts at T0, whatever the last one did

  /** A published course with Sam (Helsinki), Ana (Bogotá) and, if given, an invited user enrolled; `mails` picks its own emails. */
  async function enrolled(title: string, invitee?: string) {
    const c = await course(title);
    await enrol(c.id, { userId: sam.id });
    await enrol(c.id, { userId: ana.id });
    if (invitee) await enrol(c.id, { email: invitee, name: 'Ivy Invitee' });
    const mails = (email: string, kind?: string) => mailsTo(email, kind).filter((m) => m.subject.includes(title));
    const all = () => t.mail.messages.filter((m) => m.subject.includes(title));
    return { ...c, mails, all };
  }

  it('welcome: goes at once (quiet hours or not), once, with subject, body, Message-ID, one-click unsubscribe headers and, for the invited, a set-password link', async () => {
    const c = await enrolled('Welcome 101', 'invitee@test.local');
    await driver.run();

    const welcome = c.mails('sam@test.local', 'welcome');
    expect(welcome).toHaveLength(1);
    expect(welcome[0].subject).toBe('Welcome to Welcome 101');
    const { rows } = await t.db.query(
      "SELECT r.id FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE e.user_id = $1 AND e.course_id = $2 AND r.kind = 'welcome'",
      [sam.id, c.id],
    );
    expect(welcome[0].messageId).toBe(`<reminder-${rows[0].id}@accord>`);
    expect(welcome[0].headers['list-unsubscribe']).toMatch(/^<https:\/\/accord\.test\/unsubscribe\?token=[\w-]+\.[\w-]+>$/);
    expect(welcome[0].headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(welcome[0].text).toContain('Welcome 101');
    expect(welcome[0].html).toContain('<b>Welcome 101</b>');
    expect(welcome[0].text).not.toContain('choose a password');
    // 07:00 in Bogotá (quiet hours), yet Ana's welcome goes at once.
    expect(c.mails('ana@test.local', 'welcome')).toHaveLength(1);
    expect(c.mails('invitee@test.local', 'welcome')[0].text).toMatch(/choose a password: https:\/\/accord\.test\/set-password\?token=/);
    await driver.run();
    expect(uniqueIds(c.all())).toBe(3);
    expect(c.all()).toHaveLength(3);
  });

  it('assignment: the new-assignment notice goes at once, with the due date in each student’s time zone and a link to the module', async () => {
    const c = await enrolled('Diplomacy 101');
    await driver.run();
    await assign(c.id, c.moduleId, at(72 * H)); // Friday 4 December, 12:00Z
    await driver.run();
    const notice = c.mails('sam@test.local', 'new assignment');
    expect(notice).toHaveLength(1);
    expect(notice[0].subject).toBe('New assignment: Diplomacy 101 module (Diplomacy 101), due 4 Dec, 14:00');
    expect(notice[0].text).toContain('It is due Friday 4 December, 14:00 (Europe/Helsinki).');
    expect(notice[0].text).toContain(`https://accord.test/courses/diplomacy-101/modules/${c.moduleId}`);
    expect(c.mails('ana@test.local', 'new assignment')).toHaveLength(1);
    expect(c.mails('ana@test.local', 'new assignment')[0].text).toContain('Friday 4 December, 07:00 (America/Bogota)');
    expect(uniqueIds(c.all())).toBe(c.all().length);
  });

  it('due_soon: goes 24 h before the due date, and waits for the end of the quiet hours where it is night', async () => {
    const c = await enrolled('Deadline Prep');
    await assign(c.id, c.moduleId, at(72 * H));
    await driver.run();
    // 24 h before: 12:00Z, which is 07:00 in Bogotá, so Ana's waits for 08:00 (13:00Z).
    driver.setClock(at(48 * H));
    await driver.run();
    expect(c.mails('sam@test.local', 'due soon')).toHaveLength(1);
    expect(c.mails('sam@test.local', 'due soon')[0].subject).toBe('Due soon: Deadline Prep module (Deadline Prep), 4 Dec, 14:00');
    expect(c.mails('ana@test.local', 'due soon')).toHaveLength(0);
    const deferred = await t.db.query(
      "SELECT r.status, r.scheduled_for FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE e.user_id = $1 AND e.course_id = $2 AND r.kind = 'due_soon'",
      [ana.id, c.id],
    );
    expect(deferred.rows[0].status).toBe('scheduled');
    expect(new Date(deferred.rows[0].scheduled_for).toISOString()).toBe(at(49 * H).toISOString());
    driver.setClock(at(49 * H));
    await driver.run();
    expect(c.mails('ana@test.local', 'due soon')).toHaveLength(1);
    expect(c.mails('sam@test.local', 'due soon')).toHaveLength(1);
    expect(uniqueIds(c.all())).toBe(c.all().length);
  });

  it('overdue: goes an hour after the due date to everyone who has not finished, invited or active', async () => {
    const c = await enrolled('Late Work', 'late-invitee@test.local');
    await assign(c.id, c.moduleId, at(72 * H));
    await driver.run();
    driver.setClock(at(72 * H + 30 * 60_000));
    await driver.run();
    expect(c.all().filter((m) => m.subject.startsWith('Overdue'))).toHaveLength(0);
    driver.setClock(at(73 * H));
    await driver.run();
    for (const email of ['sam@test.local', 'ana@test.local', 'late-invitee@test.local']) expect(c.mails(email, 'overdue')).toHaveLength(1);
    expect(c.mails('sam@test.local', 'overdue')[0].subject).toBe('Overdue: Late Work module (Late Work)');
    expect(uniqueIds(c.all())).toBe(c.all().length);
  });

  it('inactivity: a nudge after 7 quiet days with work outstanding, once per quiet period', async () => {
    const c = await enrolled('Inactivity 101');
    await driver.run();
    driver.setClock(at(9 * 24 * H + 2 * H));
    await driver.scanInactivity();
    await driver.run();
    await driver.scanInactivity();
    await driver.run();
    for (const email of ['sam@test.local', 'ana@test.local']) expect(c.mails(email, 'we miss you')).toHaveLength(1);
    expect(c.mails('sam@test.local', 'we miss you')[0].text).toMatch(/for \d+ days/);
    expect(uniqueIds(c.all())).toBe(c.all().length);
  });

  it('skips with a reason when the work is done, or the student dropped, moved, was rescheduled, opted out or was deactivated', async () => {
    const c = await course('Skips', { dueSoonMinutesBefore: 60 });
    const cohort = (await http().post(`/api/v1/courses/${c.id}/cohorts`).set(as(owner.accessToken)).send({ name: 'Main' })).body.id;
    const students: Record<string, User> = {};
    for (const name of ['done', 'drop', 'moved', 'resched', 'optout', 'gone', 'plain']) {
      students[name] = await createUser(t, admin, { email: `${name}@skips.test`, role: 'student' });
      await enrol(c.id, { userId: students[name].id, cohortId: cohort });
    }
    const enrolmentOf = async (u: User) =>
      (await t.db.query('SELECT id FROM enrolments WHERE user_id = $1 AND course_id = $2', [u.id, c.id])).rows[0].id;
    const assignment = await assign(c.id, c.moduleId, at(2 * H), { type: 'cohort', cohortId: cohort });
    await driver.run(); // welcome + assignment notices
    t.mail.clear();

    await http()
      .post('/api/v1/progress/events')
      .set(as(students.done.accessToken))
      .send({ events: [{ eventId: randomUUID(), itemId: c.itemId, type: 'viewed', occurredAt: T0.toISOString() }] })
      .expect(200);
    await http()
      .delete(`/api/v1/enrolments/${await enrolmentOf(students.drop)}`)
      .set(as(owner.accessToken))
      .expect(204);
    await http()
      .patch(`/api/v1/enrolments/${await enrolmentOf(students.moved)}`)
      .set(as(owner.accessToken))
      .send({ cohortId: null })
      .expect(200);
    // A due date that moved without the reminders being replaced (as in a race): the sender notices.
    await t.db.query('INSERT INTO assignment_overrides (assignment_id, enrolment_id, due_at, updated_at) VALUES ($1, $2, $3, now())', [
      assignment,
      await enrolmentOf(students.resched),
      at(5 * H),
    ]);
    const welcome = (await t.db.query("SELECT id FROM reminders WHERE user_id = $1 AND kind = 'welcome'", [students.optout.id])).rows[0].id;
    void welcome;
    const token = t.app
      .get((await import('../src/modules/notifications/unsubscribe-tokens')).UnsubscribeTokens, { strict: false })
      .create(students.optout.id, 'due_soon');
    await http().post(`/unsubscribe?token=${token}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await http().delete(`/api/v1/users/${students.gone.id}`).set(as(admin)).expect(204);

    driver.setClock(at(1 * H));
    await driver.run();
    const rows = await driver.statuses("r.kind = 'due_soon' AND u.email LIKE '%@skips.test'");
    expect(Object.fromEntries(rows.map((r) => [r.email.split('@')[0], [r.status, r.skip_reason]]))).toEqual({
      done: ['skipped', 'completed'],
      drop: ['skipped', 'dropped'],
      moved: ['skipped', 'cancelled'],
      resched: ['skipped', 'rescheduled'],
      optout: ['skipped', 'opted_out'],
      gone: ['skipped', 'deactivated'],
      plain: ['sent', null],
    });
    expect(t.mail.messages.map((m) => m.to)).toEqual(['plain@skips.test']);
    driver.setClock(T0);
  });

  it('sends for the new date only after a reschedule, and nothing after a cancel', async () => {
    const c = await course('Moves', { dueSoonMinutesBefore: 60 });
    const mover = await createUser(t, admin, { email: 'mover@test.local', role: 'student' }); // UTC: quiet 21:00–08:00Z
    await enrol(c.id, { userId: mover.id });
    // New-assignment notices are queued at once; the queue is held so the cancel lands before they would go.
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    await queue.pause();
    let moved: string, cancelled: string;
    try {
      moved = await assign(c.id, c.moduleId, at(3 * H));
      cancelled = await assign(c.id, c.moduleId, at(4 * H));
      await http().delete(`/api/v1/assignments/${cancelled}`).set(as(owner.accessToken)).expect(204);
    } finally {
      await queue.resume();
    }
    await driver.run();
    expect((await driver.statuses('r.assignment_id = $1', [cancelled])).map((r) => [r.kind, r.status, r.skip_reason])).toEqual([
      ['assignment', 'cancelled', 'cancelled'],
      ['due_soon', 'cancelled', 'cancelled'],
      ['overdue', 'cancelled', 'cancelled'],
    ]);
    await http()
      .patch(`/api/v1/assignments/${moved}`)
      .set(as(owner.accessToken))
      .send({ dueAt: at(6 * H).toISOString() })
      .expect(200);
    const moves = () => t.mail.messages.filter((m) => m.subject.includes('(Moves)') && !m.subject.startsWith('New assignment'));
    for (const h of [2, 3, 4]) {
      driver.setClock(at(h * H + 60_000));
      await driver.run();
    }
    expect(moves()).toHaveLength(0);
    driver.setClock(at(5 * H));
    await driver.run();
    expect(moves().map((m) => m.subject)).toEqual(['Due soon: Moves module (Moves), 1 Dec, 18:00']);
    driver.setClock(at(7 * H));
    await driver.run();
    expect(moves().map((m) => m.subject.split(':')[0])).toEqual(['Due soon', 'Overdue']);
    const { rows } = await t.db.query("SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1 AND status = 'sent'", [cancelled]);
    expect(rows[0].n).toBe(0);
  });

  it('unsubscribes in one click (idempotent), stops that kind only, and refuses forged or altered tokens', async () => {
    const c = await course('Opt out', { dueSoonMinutesBefore: 60 });
    const u = await createUser(t, admin, { email: 'quiet@test.local', role: 'student' }); // UTC
    await enrol(c.id, { userId: u.id });
    const tokens = t.app.get((await import('../src/modules/notifications/unsubscribe-tokens')).UnsubscribeTokens, { strict: false });
    const token = tokens.create(u.id, 'assignment');
    // People who open the link get the web app's page, which asks the API what the link stops.
    const scope = await http().get('/api/v1/notifications/unsubscribe').query({ token });
    expect([scope.status, scope.body.kind]).toEqual([200, 'assignment']);
    expect((await http().post(`/unsubscribe?token=${token}`).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
    expect((await http().post(`/unsubscribe?token=${token}`).type('form').send('List-Unsubscribe=One-Click')).status).toBe(200);
    const altered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await http().post(`/unsubscribe?token=${altered}`)).status).toBe(400);
    const forged = `${Buffer.from(`${u.id}:overdue`).toString('base64url')}.${token.split('.')[1]}`;
    expect((await http().post(`/unsubscribe?token=${forged}`)).status).toBe(400);
    expect((await http().get('/api/v1/notifications/unsubscribe').query({ token: 'nonsense' })).status).toBe(400);
    const prefs = await http().get('/api/v1/me/notification-preferences').set(as(u.accessToken));
    expect(prefs.body).toEqual({
      welcome: true,
      assignment: false,
      dueSoon: true,
      overdue: true,
      inactivity: true,
      quietHours: { start: '21:00', end: '08:00' },
      atRiskAlerts: { frequency: 'weekly', hour: 8, weekday: 1, inactive: true, overdue: true, behind: true },
      digest: DIGEST_OFF,
    });
    await assign(c.id, c.moduleId, at(2 * H));
    driver.setClock(at(1 * H));
    await driver.run();
    expect(
      mailsTo('quiet@test.local')
        .map((m) => m.subject.split(':')[0])
        .sort(),
    ).toEqual(['Due soon', 'Welcome to Opt out'].sort());
    driver.setClock(T0);
  });

  it('reads and writes notification preferences, with quiet hours that can be turned off', async () => {
    const url = '/api/v1/me/notification-preferences';
    const atRiskAlerts = { frequency: 'daily', hour: 17, weekday: 5, inactive: true, overdue: false, behind: true };
    const body = { welcome: true, assignment: true, dueSoon: false, overdue: true, inactivity: false, quietHours: null, atRiskAlerts };
    expect((await http().put(url).set(as(ana.accessToken)).send(body)).body).toEqual({ ...body, digest: DIGEST_OFF });
    expect((await http().get(url).set(as(ana.accessToken))).body).toEqual({ ...body, digest: DIGEST_OFF });
    // A PUT without atRiskAlerts leaves them as they are.
    const { atRiskAlerts: _kept, ...withoutAlerts } = body;
    void _kept;
    expect((await http().put(url).set(as(ana.accessToken)).send(withoutAlerts)).body).toEqual({ ...body, digest: DIGEST_OFF });
    const bad = await http()
      .put(url)
      .set(as(ana.accessToken))
      .send({ ...body, quietHours: { start: '25:00', end: '08:00' }, spam: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['quietHours.start', 'spam']));
    expect((await http().put(url).set(as(ana.accessToken)).send({ welcome: true })).status).toBe(400);
    expect((await http().get(url)).status).toBe(401);
  });

  it('patches any subset of the notification preferences, rejecting unknown fields and null booleans', async () => {
    const url = '/api/v1/me/notification-preferences';
    const atRiskAlerts = { frequency: 'weekly', hour: 8, weekday: 1, inactive: true, overdue: true, behind: true };
    const start = {
      welcome: true,
      assignment: true,
      dueSoon: true,
      overdue: true,
      inactivity: true,
      quietHours: null,
      atRiskAlerts,
      digest: DIGEST_OFF,
    };
    await http().put(url).set(as(ana.accessToken)).send(start).expect(200);
    const one = await http().patch(url).set(as(ana.accessToken)).send({ inactivity: false });
    expect([one.status, one.body]).toEqual([200, { ...start, inactivity: false }]);
    const quiet = await http()
      .patch(url)
      .set(as(ana.accessToken))
      .send({ quietHours: { start: '22:00', end: '07:00' }, dueSoon: false });
    expect(quiet.body).toEqual({ ...start, inactivity: false, dueSoon: false, quietHours: { start: '22:00', end: '07:00' } });
    const empty = await http().patch(url).set(as(ana.accessToken)).send({});
    expect([empty.status, empty.body]).toEqual([200, quiet.body]);
    const alerts = await http()
      .patch(url)
      .set(as(ana.accessToken))
      .send({ atRiskAlerts: { weekday: 3 } });
    expect(alerts.body).toEqual({ ...quiet.body, atRiskAlerts: { ...atRiskAlerts, weekday: 3 } });
    await http()
      .patch(url)
      .set(as(ana.accessToken))
      .send({ atRiskAlerts: { weekday: 1 } })
      .expect(200);
    const off = await http().patch(url).set(as(ana.accessToken)).send({ quietHours: null });
    expect(off.body.quietHours).toBeNull();
    const bad = await http()
      .patch(url)
      .set(as(ana.accessToken))
      .send({ spam: true, welcome: null, quietHours: { start: '9' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['spam', 'welcome', 'quietHours.start']));
    expect((await http().get(url).set(as(ana.accessToken))).body).toEqual({ ...quiet.body, quietHours: null });
    expect((await http().patch(url).send({ welcome: false })).status).toBe(401);
  });

  it('lets an admin retry a failed reminder, which then goes out once', async () => {
    const c = await course('Retries');
    const u = await createUser(t, admin, { email: 'retry@test.local', role: 'student' });
    t.mail.failNext(3); // REMINDER_ATTEMPTS=3 in tests
    await enrol(c.id, { userId: u.id });
    await driver.dispatch();
    const deadline = Date.now() + 10_000;
    let failed: Array<{ id: string; last_error: string; attempts: number }> = [];
    while (Date.now() < deadline) {
      failed = (await t.db.query("SELECT id, last_error, attempts FROM reminders WHERE user_id = $1 AND status = 'failed'", [u.id])).rows;
      if (failed.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(failed).toHaveLength(1);
    expect(failed[0].attempts).toBe(3);
    expect(failed[0].last_error).toMatch(/Temporary failure/);
    const listed = await http().get('/api/v1/admin/reminders').query({ status: 'failed' }).set(as(admin));
    expect(listed.body.data.map((r: { id: string }) => r.id)).toContain(failed[0].id);
    expect((await http().post(`/api/v1/admin/reminders/${failed[0].id}/retry`).set(as(owner.accessToken))).status).toBe(403);
    const retried = await http().post(`/api/v1/admin/reminders/${failed[0].id}/retry`).set(as(admin));
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('scheduled');
    await driver.run();
    expect(mailsTo('retry@test.local')).toHaveLength(1);
    expect((await http().post(`/api/v1/admin/reminders/${failed[0].id}/retry`).set(as(admin))).status).toBe(409);
  });

  it('lists a course’s reminders for its instructors only', async () => {
    const c = await course('Listing');
    await enrol(c.id, { userId: sam.id });
    const mine = await http().get(`/api/v1/courses/${c.id}/reminders`).set(as(owner.accessToken));
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([
      expect.objectContaining({ kind: 'welcome', user: expect.objectContaining({ email: 'sam@test.local' }) }),
    ]);
    expect((await http().get(`/api/v1/courses/${c.id}/reminders`).query({ status: 'sent' }).set(as(owner.accessToken))).body.data).toEqual(
      [],
    );
    expect((await http().get(`/api/v1/courses/${c.id}/reminders`).set(as(other.accessToken))).status).toBe(404);
    expect((await http().get(`/api/v1/courses/${c.id}/reminders`).set(as(sam.accessToken))).status).toBe(403);
    expect((await http().get('/api/v1/admin/reminders').set(as(owner.accessToken))).status).toBe(403);
    expect((await http().get('/api/v1/admin/reminders')).status).toBe(401);
  });

  it('exposes reminder metrics', async () => {
    const res = await http().get('/api/v1/metrics').set(as(METRICS_TOKEN));
    expect(res.text).toMatch(/accord_reminders\{kind="welcome",status="sent"\} \d+/);
    expect(res.text).toMatch(/accord_reminder_queue_depth\{state="waiting"\} \d+/);
    expect(res.text).toMatch(/accord_reminder_send_latency_seconds\{quantile="0.5"\}/);
  });

  it('keeps /metrics answering after a worker in the same process closed (its gauges leave the shared registry)', async () => {
    const extra = await t.startWorker(); // registers its reminder gauges last, over the API's and the first worker's
    await extra.close(); // its pool and queue connections are gone
    const res = await http().get('/api/v1/metrics').set(as(METRICS_TOKEN));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/accord_reminders\{kind="welcome",status="sent"\} \d+/);
    expect(res.text).toMatch(/accord_reminder_queue_depth\{state="waiting"\} \d+/);
    expect(res.text).toMatch(/accord_table_size_bytes\{table="reminders"\} \d+/);
  });
});
