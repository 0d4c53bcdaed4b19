import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { join } from 'path';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { bullConnection, QueueName } from '../src/modules/jobs/queues';
import { ReminderDispatch } from '../src/modules/reminders/reminder-dispatch';
import { ReminderReconciler } from '../src/modules/reminders/reminder-reconciler';
import { ReminderQueue } from '../src/modules/reminders/reminder-queue';
import type { MailCatcher, TestApp } from './helpers/app';
import { ADMIN, bearer, login, startTestApp } from './helpers/app';
import { ReminderDriver } from './helpers/reminders';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('../scripts/lib/mail-catcher') as {
  startMailCatcher: (o: { web: boolean; smtpPort?: number }) => Promise<MailCatcher>;
};

const root = join(__dirname, '..');

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A course with `n` enrolled students, each with a welcome reminder due now. */
async function enrolMany(t: TestApp, n: number, tag: string): Promise<string[]> {
  const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  const course = (
    await t
      .http()
      .post('/api/v1/courses')
      .set(bearer(admin))
      .send({ title: `Faults ${tag}` })
  ).body.id;
  await t.http().post(`/api/v1/courses/${course}/publish`).set(bearer(admin)).expect(200);
  const emails = Array.from({ length: n }, (_, i) => `${tag}${i}@faults.test`);
  const res = await t
    .http()
    .post(`/api/v1/courses/${course}/enrolments/bulk`)
    .set(bearer(admin))
    .set('Content-Type', 'text/csv')
    .send(['email', ...emails].join('\n'));
  expect(res.body.created).toBe(n);
  return emails;
}

const sentCount = async (t: TestApp, tag: string) =>
  (
    await t.db.query(
      "SELECT count(*)::int AS n FROM reminders r JOIN users u ON u.id = r.user_id WHERE u.email LIKE $1 AND r.status = 'sent'",
      [`${tag}%`],
    )
  ).rows[0].n as number;

function expectExactlyOnce(mail: MailCatcher, emails: string[]): void {
  const wanted = new Set(emails);
  const received = mail.messages.filter((m) => wanted.has(m.to));
  expect(new Set(received.map((m) => m.to)).size).toBe(emails.length);
  expect(new Set(received.map((m) => m.messageId)).size).toBe(received.length);
  expect(received.length).toBe(emails.length);
}

describe('reminders under faults (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ REMINDER_ATTEMPTS: '12', REMINDER_BACKOFF_MS: '100' });
  });
  afterAll(() => t.close());

  it('delivers everything exactly once after Redis lost its keys between scheduling and sending', async () => {
    const emails = await enrolMany(t, 20, 'flush');
    // The API process queues them while no worker runs…
    expect(await t.app.get(ReminderDispatch, { strict: false }).run()).toBeGreaterThanOrEqual(20);
    // …then Redis loses everything (FLUSHALL, scoped to this test's prefix so parallel suites are unharmed).
    const redis = new Redis(t.env.REDIS_URL);
    const keys = await redis.keys(`{${t.env.REDIS_PREFIX}}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    const worker = await t.startWorker();
    const driver = new ReminderDriver(t, [worker]);
    expect(await driver.dispatch()).toBe(0); // nothing is scheduled: the rows think they are queued
    expect(await worker.get(ReminderReconciler, { strict: false }).run(new Date())).toBeGreaterThanOrEqual(20);
    await driver.run();
    expect(await sentCount(t, 'flush')).toBe(20);
    expectExactlyOnce(t.mail, emails);
    await worker.close();
  });

  it('the reconciler releases rows whose job is gone, finished or in no state, fails those whose job failed, and leaves live jobs alone', async () => {
    const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const course = (await t.http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Faults rule' })).body.id;
    const { rows } = await t.db.query<{ id: string }>(
      `WITH u AS (INSERT INTO users (email, name, role, timezone) SELECT 'rule' || g || '@faults.test', 'Rule ' || g, 'student', 'UTC' FROM generate_series(1, 6) g RETURNING id),
            e AS (INSERT INTO enrolments (course_id, user_id, status) SELECT $1, id, 'active' FROM u RETURNING id, user_id)
       INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, updated_at)
       SELECT 'inactivity', user_id, id, 'rule:' || id, now() + interval '1 day', 'queued', now() - interval '1 minute' FROM e RETURNING id`,
      [course],
    );
    const [gone, completed, failed, unknown, delayed, waiting] = rows.map((r) => r.id);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    const add = (id: string, delay = 0) =>
      queue.add('send', { reminderId: id }, { jobId: `reminder-${id}`, delay, attempts: 1, removeOnComplete: false, removeOnFail: false });
    // A job that finished and one that failed, through a real BullMQ worker, before the live ones are added.
    await add(completed);
    await add(failed);
    const worker = new Worker(
      QueueName.Reminders,
      async (job) => {
        if (job.data.reminderId === failed) throw new Error('boom');
      },
      bullConnection(t.config.redis),
    );
    await until(
      'both jobs are finished',
      async () =>
        (await queue.getJobState(`reminder-${completed}`)) === 'completed' && (await queue.getJobState(`reminder-${failed}`)) === 'failed',
    );
    await worker.close();
    await add(unknown, 86_400_000);
    const redis = new Redis(t.env.REDIS_URL);
    await redis.zrem(queue.toKey('delayed'), `reminder-${unknown}`); // its hash is left, in no state
    redis.disconnect();
    await add(delayed, 86_400_000);
    await add(waiting);

    expect(await t.app.get(ReminderReconciler, { strict: false }).run(new Date())).toBe(3);
    const { rows: after } = await t.db.query('SELECT id, status, last_error FROM reminders WHERE id = ANY($1)', [rows.map((r) => r.id)]);
    const statusOf = (id: string) => after.find((r) => r.id === id);
    expect([gone, completed, unknown, failed, delayed, waiting].map((id) => statusOf(id).status)).toEqual([
      'scheduled',
      'scheduled',
      'scheduled',
      'failed',
      'queued',
      'queued',
    ]);
    expect(statusOf(failed).last_error).toContain('the queue gave up');
    // Nothing left queued for the next tests' workers and settles.
    for (const id of rows.map((r) => r.id)) await queue.remove(`reminder-${id}`);
    await t.db.query("UPDATE reminders SET status = 'cancelled' WHERE id = ANY($1)", [rows.map((r) => r.id)]);
  });

  it('sends a reminder whose job arrived before its row committed once, after the commit; drops it if the writer rolls back', async () => {
    // A new assignment's notices are queued while their rows are still being written.
    const emails = await enrolMany(t, 2, 'early');
    const worker = await t.startWorker();
    await new ReminderDriver(t, [worker]).run(); // the welcomes, out of the way
    const { rows: enrolments } = await t.db.query(
      'SELECT e.id, e.user_id FROM enrolments e JOIN users u ON u.id = e.user_id WHERE u.email = ANY($1) ORDER BY u.email',
      [emails],
    );
    const queue = t.app.get(ReminderQueue, { strict: false });
    const jobs = t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    for (const [i, outcome] of (['COMMIT', 'ROLLBACK'] as const).entries()) {
      const writer = await t.db.connect();
      try {
        await writer.query('BEGIN');
        const { rows } = await writer.query(
          "INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status) VALUES ('welcome', $1, $2, $3, now(), 'queued') RETURNING id, pg_current_xact_id()::text AS xid",
          [enrolments[i].user_id, enrolments[i].id, `welcome:early:${enrolments[i].id}`],
        );
        const { id, xid } = rows[0];
        await queue.handOver([id], new Date(), xid);
        // The worker took the job and waits for the writer instead of dropping it.
        await until('the job is active', async () => (await (await jobs.getJob(`reminder-${id}`))?.getState()) === 'active');
        await new Promise((r) => setTimeout(r, 200));
        expect(t.mail.messages.filter((m) => m.messageId === `<reminder-${id}@accord>`)).toHaveLength(0);
        await writer.query(outcome);
        await until('the job is done', async () => !(await jobs.getJob(`reminder-${id}`)));
        const sent = t.mail.messages.filter((m) => m.messageId === `<reminder-${id}@accord>`);
        const { rows: after } = await t.db.query('SELECT status FROM reminders WHERE id = $1', [id]);
        if (outcome === 'COMMIT') {
          expect(sent).toHaveLength(1);
          expect(after[0].status).toBe('sent');
        } else {
          expect(sent).toHaveLength(0);
          expect(after).toHaveLength(0);
        }
      } finally {
        writer.release();
      }
    }
    await worker.close();
  });

  it("sends a new assignment's notices once when its transaction commits and none when it rolls back, with a worker running throughout", async () => {
    const emails = await enrolMany(t, 3, 'race');
    const worker = await t.startWorker();
    await new ReminderDriver(t, [worker]).run(); // the welcomes, out of the way
    const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const course = (await t.db.query("SELECT id FROM courses WHERE title = 'Faults race'")).rows[0].id;
    const moduleId = (await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(admin)).send({ title: 'Race' }).expect(201)).body
      .id;
    const jobs = t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    const notices = () => t.mail.messages.filter((m) => emails.includes(m.to) && m.subject.startsWith('New assignment'));
    for (const outcome of ['commit', 'rollback'] as const) {
      // The request's transaction is held open after it handed its notices over: its audit row waits for this lock.
      const holder = await t.db.connect();
      let response: Promise<{ status: number }> | undefined;
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE audit_log IN SHARE MODE');
        const body = { moduleId, dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), target: { type: 'course' } };
        response = t
          .http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(bearer(admin))
          .send(body)
          .then((r) => r);
        // The worker took the three jobs and waits for the writer instead of dropping them.
        await until('the senders wait for the writer', async () => (await jobs.getJobCounts('active')).active === 3);
        await new Promise((r) => setTimeout(r, 200));
        expect(notices()).toHaveLength(outcome === 'commit' ? 0 : 3);
        if (outcome === 'rollback')
          await holder.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'audit_log'::regclass AND NOT granted`);
      } finally {
        await holder.query('COMMIT');
        holder.release();
      }
      expect((await response).status).toBe(outcome === 'commit' ? 201 : 503);
      await until('the jobs are done', async () => {
        const counts = await jobs.getJobCounts('active', 'waiting', 'delayed');
        return counts.active + counts.waiting + counts.delayed === 0;
      });
      // Once each, from the transaction that committed; nothing from the one that rolled back.
      expect(notices()).toHaveLength(3);
    }
    expect(new Set(notices().map((m) => m.messageId)).size).toBe(3);
    const { rows } = await t.db.query(
      "SELECT count(*)::int AS n FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE e.course_id = $1 AND r.kind = 'assignment'",
      [course],
    );
    expect(rows[0].n).toBe(3);
    await worker.close();
  });

  it('sends once per reminder with two workers running at once', async () => {
    const emails = await enrolMany(t, 150, 'pair');
    const [a, b] = [await t.startWorker({ REMINDER_CONCURRENCY: '8' }), await t.startWorker({ REMINDER_CONCURRENCY: '8' })];
    const dispatchers = [a, b].map((w) => w.get(ReminderDispatch, { strict: false }));
    await Promise.all([dispatchers[0].run(), dispatchers[1].run(), dispatchers[0].run(), dispatchers[1].run()]);
    await until('all sent', async () => (await sentCount(t, 'pair')) === 150);
    expectExactlyOnce(t.mail, emails);
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers everything once when SMTP refuses connections for a while, then accepts', async () => {
    const port = Number(new URL(t.env.SMTP_URL).port);
    await t.mail.close();
    const emails = await enrolMany(t, 10, 'down');
    const worker = await t.startWorker();
    await new ReminderDriver(t, [worker]).dispatch();
    await until(
      'attempts failing',
      async () =>
        (await t.db.query("SELECT count(*)::int AS n FROM reminders WHERE last_error IS NOT NULL AND status <> 'sent'")).rows[0].n > 0,
    );
    const { rows } = await t.db.query(
      "SELECT count(*)::int AS n FROM reminders r JOIN users u ON u.id = r.user_id WHERE u.email LIKE 'down%' AND r.status = 'failed'",
    );
    expect(rows[0].n).toBe(0);
    const revived = await startMailCatcher({ web: false, smtpPort: port });
    t.mail = revived;
    await until('all sent', async () => (await sentCount(t, 'down')) === 10, 60_000);
    expectExactlyOnce(revived, emails);
    await worker.close();
  });

  it('produces no duplicates when a worker is killed (SIGKILL) mid-batch and restarted', async () => {
    const emails = await enrolMany(t, 120, 'kill');
    const env = {
      ...process.env,
      ...t.env,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      REMINDER_SCHEDULERS: 'true',
      REMINDER_DISPATCH_INTERVAL_MS: '200',
      REMINDER_RECONCILE_INTERVAL_MS: '1000',
      REMINDER_LOCK_MS: '1000',
      REMINDER_LEASE_SECONDS: '1',
      REMINDER_CONCURRENCY: '4',
    };
    const start = (): ChildProcess => spawn(process.execPath, [join(root, 'dist/src/worker.js')], { env, stdio: 'ignore' });
    const received = () => t.mail.messages.filter((m) => m.to.startsWith('kill')).length;

    const first = start();
    await until('a first part is delivered', async () => received() >= 30);
    t.mail.hold(); // messages now in flight are not accepted…
    await new Promise((r) => setTimeout(r, 300));
    const died = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL'); // …and the worker dies with them
    await died;
    await new Promise((r) => setTimeout(r, 300)); // let the sink see the dropped connections first
    t.mail.release();
    const partial = await sentCount(t, 'kill');
    expect(partial).toBeLessThan(120);
    const inFlight = (
      await t.db.query(
        "SELECT count(*)::int AS n FROM reminders r JOIN users u ON u.id = r.user_id WHERE u.email LIKE 'kill%' AND r.status IN ('sending', 'queued')",
      )
    ).rows[0].n;
    expect(inFlight).toBeGreaterThan(0);

    const second = start();
    try {
      await until('everything is sent after the restart', async () => (await sentCount(t, 'kill')) === 120, 60_000);
    } finally {
      const stopped = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
      second.kill('SIGTERM');
      expect(await stopped).toBe(0);
    }
    expectExactlyOnce(t.mail, emails);
  }, 120_000);
});
