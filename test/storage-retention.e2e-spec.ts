import { randomUUID } from 'crypto';
import { Clock } from '../src/common/clock';
import { StorageRetention } from '../src/modules/storage/storage-retention';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, METRICS_TOKEN, startTestApp } from './helpers/app';

const DAY = 86_400_000;

describe('bounded storage: retention job, GET /admin/storage, table gauges (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let enrolment: { id: string; user_id: string };
  const now = new Date('2027-06-15T12:00:00Z');
  const ago = (days: number) => new Date(now.getTime() - days * DAY);

  beforeAll(async () => {
    // Small batches, so the job has to loop; AUDIT_RETENTION_DAYS left at its default (keep).
    t = await startTestApp({ RETENTION_BATCH_SIZE: '100' });
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const { rows } = await t.db.query(
      `WITH c AS (INSERT INTO courses (slug, title, reminder_policy) VALUES ('retention', 'Retention', '{}') RETURNING id),
            u AS (INSERT INTO users (email, name, role) VALUES ('kept@retention.test', 'Kept', 'student') RETURNING id)
       INSERT INTO enrolments (course_id, user_id) SELECT c.id, u.id FROM c, u RETURNING id, user_id`,
    );
    enrolment = rows[0];
  });
  afterAll(() => t.close());

  const events = (count: number, receivedAt: Date) =>
    t.db.query(
      `INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, occurred_at, received_at)
       SELECT $1, gen_random_uuid(), $2, $3, 'viewed', $4, $4 FROM generate_series(1, $5::int)`,
      [enrolment.user_id, enrolment.id, randomUUID(), receivedAt, count],
    );
  const reminder = async (status: string, updatedAt: Date) => {
    const { rows } = await t.db.query(
      `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, subject, body_text, body_html, created_at, updated_at)
       VALUES ('welcome', $1, $2, $3, $4, $5, 'Subject', 'Text', '<p>Html</p>', $4, $4) RETURNING id`,
      [enrolment.user_id, enrolment.id, `welcome:${randomUUID()}`, updatedAt, status],
    );
    return rows[0].id as string;
  };
  const reminderRow = async (id: string) =>
    (await t.db.query('SELECT subject, body_text, body_html FROM reminders WHERE id = $1', [id])).rows[0] as
      { subject: string | null; body_text: string | null; body_html: string | null } | undefined;

  it('deletes raw events older than 180 days in batches, strips finished reminders after 30 days and deletes them after 365, by the Clock', async () => {
    await events(250, ago(200)); // more than two batches of 100
    await events(3, ago(170));
    const sentRecently = await reminder('sent', ago(10));
    const sentLastMonth = await reminder('sent', ago(40));
    const skippedLastMonth = await reminder('skipped', ago(45));
    const cancelledLongAgo = await reminder('cancelled', ago(400));
    const failedLongAgo = await reminder('failed', ago(400)); // an admin may still retry it
    const scheduledLongAgo = await reminder('scheduled', ago(400)); // not finished: never touched
    await t.db.query(`INSERT INTO audit_log (action, entity, created_at) VALUES ('user.created', 'user', $1)`, [ago(3000)]);

    const clock = t.app.get(Clock);
    // A clock 100 days earlier: the 200-day-old events are only 100 days old then, and stay.
    clock.set(new Date(now.getTime() - 100 * DAY));
    const early = await t.app.get(StorageRetention).run();
    expect(early).toMatchObject({ progressEvents: 0 });
    expect((await t.db.query('SELECT count(*)::int AS n FROM progress_events')).rows[0].n).toBe(253);

    clock.set(now);
    const result = await t.app.get(StorageRetention).run();
    expect(result).toEqual({ progressEvents: 250, reminderBodies: 2, reminders: 1, auditEntries: 0 });
    const left = await t.db.query('SELECT count(*)::int AS n, min(received_at) AS oldest FROM progress_events');
    expect(left.rows[0]).toEqual({ n: 3, oldest: ago(170) });
    expect(await reminderRow(sentRecently)).toEqual({ subject: 'Subject', body_text: 'Text', body_html: '<p>Html</p>' });
    expect(await reminderRow(sentLastMonth)).toEqual({ subject: null, body_text: null, body_html: null });
    expect(await reminderRow(skippedLastMonth)).toEqual({ subject: null, body_text: null, body_html: null });
    expect(await reminderRow(cancelledLongAgo)).toBeUndefined();
    expect(await reminderRow(failedLongAgo)).toMatchObject({ body_text: 'Text' });
    expect(await reminderRow(scheduledLongAgo)).toMatchObject({ body_text: 'Text' });
    expect((await t.db.query('SELECT count(*)::int AS n FROM audit_log WHERE created_at < $1', [ago(365)])).rows[0].n).toBe(1);

    // A second pass finds nothing more to do.
    expect(await t.app.get(StorageRetention).run()).toEqual({ progressEvents: 0, reminderBodies: 0, reminders: 0, auditEntries: 0 });
    clock.set(null);
  });

  it('shows table sizes, row estimates and the oldest row kept to an admin, and refuses a student', async () => {
    await t.db.query('ANALYZE progress_events');
    const res = await t.http().get('/api/v1/admin/storage').set(bearer(admin));
    expect(res.status).toBe(200);
    const events = res.body.tables.find((x: { table: string }) => x.table === 'progress_events');
    expect(events).toEqual({ table: 'progress_events', totalBytes: expect.any(Number), rowEstimate: 3, oldestAt: ago(170).toISOString() });
    expect(events.totalBytes).toBeGreaterThan(0);
    expect(res.body.tables.find((x: { table: string }) => x.table === 'item_progress')).toMatchObject({ oldestAt: null });
    expect(res.body.retention).toEqual({ progressEventDays: 180, reminderBodyDays: 30, reminderRowDays: 365, auditDays: 0 });

    const student = await createUser(t, admin, { email: 'student@retention.test', role: 'student' });
    expect((await t.http().get('/api/v1/admin/storage').set(bearer(student.accessToken))).status).toBe(403);
    expect((await t.http().get('/api/v1/admin/storage')).status).toBe(401);
  });

  it('exports the same numbers on /metrics', async () => {
    const res = await t.http().get('/api/v1/metrics').set(bearer(METRICS_TOKEN));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/accord_table_size_bytes\{table="progress_events"\} [1-9]\d*/);
    expect(res.text).toMatch(/accord_table_rows_estimate\{table="progress_events"\} 3/);
    expect(res.text).toContain(`accord_table_oldest_row_timestamp_seconds{table="progress_events"} ${ago(170).getTime() / 1000}`);
  });
  // Last: a closed worker leaves its reminder gauges behind in the shared registry (one app per process in production).
  it('deletes audit entries only when AUDIT_RETENTION_DAYS is set, in the worker process', async () => {
    await t.db.query(
      `INSERT INTO audit_log (action, entity, created_at) VALUES ('course.created', 'course', $1), ('course.updated', 'course', $2)`,
      [ago(100), ago(10)],
    );
    const worker = await t.startWorker({ AUDIT_RETENTION_DAYS: '90' });
    worker.get(Clock).set(now);
    const result = await worker.get(StorageRetention).run();
    expect(result?.auditEntries).toBeGreaterThanOrEqual(2); // the 3,000-day-old entry of the first test and the 100-day-old one
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM audit_log WHERE created_at < $1', [ago(90)]);
    expect(rows[0].n).toBe(0);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'course.updated'`)).rows[0].n).toBe(1);
    await worker.close();
  });
});
