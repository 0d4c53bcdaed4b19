import type { ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { QueueName } from '../src/modules/jobs/queues';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import { freePort } from './helpers/ports';
import { startRedis, stopRedis } from './helpers/redis-server';

/** Dispatch and watchdog interval: room for a Redis killed and restarted (BullMQ reconnects after a second) on a loaded CI machine. */
const DISPATCH_MS = 2_000;
/** Composing, SMTP and marking the row sent, with room for a loaded 2-core CI machine. */
const SENDING_MS = 5_000;
/** Queued rows whose send jobs a flush takes: four reconciler passes (5,000 rows each). */
const BACKLOG = 20_000;
const SCHEDULERS = ['at-risk-alerts', 'digest-send', 'inactivity-scan', 'reminder-dispatch', 'reminder-reconcile'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real schedulers (not a test driving the dispatcher), at short intervals. */
const realSchedulers = (lookaheadSeconds: number) => ({
  REMINDER_SCHEDULERS: 'true',
  REMINDER_DISPATCH_INTERVAL_MS: String(DISPATCH_MS),
  REMINDER_WATCHDOG_INTERVAL_MS: String(DISPATCH_MS),
  REMINDER_RECONCILE_INTERVAL_MS: '1000',
  REMINDER_LOOKAHEAD_SECONDS: String(lookaheadSeconds),
});

/** Removes a scheduler's pending job (and only while it is pending), leaving the scheduler itself: a partial loss. */
const DROP_NEXT_JOB = `
local next = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not next then return 0 end
local id = 'repeat:' .. ARGV[1] .. ':' .. next
if redis.call('ZREM', KEYS[2], id) == 1 then redis.call('DEL', ARGV[2] .. id) return 1 end
return 0`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

interface Due {
  id: string;
  email: string;
  scheduledFor: Date;
}

/** Until `before` ms before `due` comes due: what is lost then must be repaired within the bound, not absorbed by a long lead. */
const shortlyBefore = (due: Due[], before = 250) => sleep(Math.min(...due.map((d) => d.scheduledFor.getTime())) - before - Date.now());

// A private redis-server (the machine's is shared by every suite), flushed or killed under running workers.
describe('reminders after Redis lost its data, with the real schedulers (e2e, private redis-server)', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let port: number;
  let admin: string;
  let queue: Queue;
  let direct: Redis;
  let workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    queue = t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    direct = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const worker of workers) await worker.close();
    workers = [];
    await direct.flushall(); // the next test starts from an empty (private) Redis
  });
  afterAll(async () => {
    direct.disconnect();
    await t.close().catch(() => undefined);
    await stopRedis(redis);
    // ioredis arms a 2 s "destroy the socket" timer when it closes a connection that Redis had
    // already dropped; let those run out so the Jest worker can exit cleanly.
    await sleep(2_100);
  });

  async function startWorkers(n: number, lookaheadSeconds: number): Promise<void> {
    for (let i = 0; i < n; i++) workers.push(await t.startWorker(realSchedulers(lookaheadSeconds)));
    await until('the schedulers exist', async () => (await schedulerIds()).length === SCHEDULERS.length);
  }

  const schedulerIds = async () => (await queue.getJobSchedulers()).map((s) => s.key).sort();

  /**
   * `students` students (quiet hours off) of a new course with one assignment per entry of
   * `leadsMs`, each due so that its due_soon reminders (one minute before) fall that long from now.
   */
  async function dueSoon(tag: string, students: number, leadsMs: number[]): Promise<Due[][]> {
    const http = () => t.http();
    const course = (
      await http()
        .post('/api/v1/courses')
        .set(bearer(admin))
        .send({ title: `Loss ${tag}`, reminderPolicy: { dueSoonMinutesBefore: 1 } })
        .expect(201)
    ).body.id;
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: `Reading ${randomUUID()}`, kind: 'article', url: 'https://example.edu/r' })
        .expect(201)
    ).body.id;
    const modules: string[] = [];
    for (const [i] of leadsMs.entries()) {
      const moduleId = (
        await http()
          .post(`/api/v1/courses/${course}/modules`)
          .set(bearer(admin))
          .send({ title: `${tag} ${i}` })
          .expect(201)
      ).body.id;
      await http()
        .post(`/api/v1/modules/${moduleId}/items`)
        .set(bearer(admin))
        .send({ materialId: material, completion: { type: 'view' } })
        .expect(201);
      modules.push(moduleId);
    }
    await http().post(`/api/v1/courses/${course}/publish`).set(bearer(admin)).expect(200);
    for (let i = 0; i < students; i++) {
      const student = await createUser(t, admin, { email: `${tag}${i}@loss.test`, role: 'student' });
      const everything = { welcome: true, assignment: true, dueSoon: true, overdue: true, inactivity: true, quietHours: null };
      await http().put('/api/v1/me/notification-preferences').set(bearer(student.accessToken)).send(everything).expect(200);
      await http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(admin)).send({ userId: student.id }).expect(201);
    }
    const start = Date.now();
    const batches: Due[][] = [];
    for (const [i, lead] of leadsMs.entries()) {
      const dueAt = new Date(start + 60_000 + lead).toISOString();
      const assignment = (
        await http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(bearer(admin))
          .send({ moduleId: modules[i], dueAt, target: { type: 'course' } })
          .expect(201)
      ).body.id;
      const { rows } = await t.db.query(
        'SELECT r.id, u.email, r.scheduled_for AS "scheduledFor" FROM reminders r JOIN users u ON u.id = r.user_id WHERE r.assignment_id = $1 AND r.kind = \'due_soon\' ORDER BY u.email',
        [assignment],
      );
      expect(rows).toHaveLength(students);
      batches.push(rows);
    }
    return batches;
  }

  const statuses = async (due: Due[]) =>
    (await t.db.query('SELECT status FROM reminders WHERE id = ANY($1)', [due.map((d) => d.id)])).rows.map((r) => r.status as string);

  /** Each reminder sent once (one message, its own Message-ID, row `sent`) within two dispatch intervals plus sending time after it came due. */
  async function expectDeliveredOnceOnTime(due: Due[]): Promise<void> {
    const ids = due.map((d) => d.id);
    await until(`${ids.length} reminders are sent`, async () => (await statuses(due)).every((s) => s === 'sent'));
    const { rows } = await t.db.query(
      'SELECT id, message_id, extract(epoch FROM sent_at - scheduled_for) * 1000 AS late_ms FROM reminders WHERE id = ANY($1)',
      [ids],
    );
    expect(Math.max(...rows.map((r) => Number(r.late_ms)))).toBeLessThanOrEqual(2 * DISPATCH_MS + SENDING_MS);
    await sleep(DISPATCH_MS); // room for a duplicate to show up
    for (const d of due) {
      const messages = t.mail.messages.filter((m) => m.messageId === `<reminder-${d.id}@accord>`);
      expect(messages.map((m) => m.to)).toEqual([d.email]);
      expect(rows.find((r) => r.id === d.id).message_id).toBe(`<reminder-${d.id}@accord>`);
    }
  }

  it('sends a due-soon reminder once, on time, after FLUSHALL wiped the schedulers while its row was still scheduled', async () => {
    await startWorkers(1, 0);
    const [due] = await dueSoon('flush', 1, [5_000]);
    await shortlyBefore(due);
    expect(await statuses(due)).toEqual(['scheduled']);
    await direct.flushall();
    await expectDeliveredOnceOnTime(due);
    expect(await schedulerIds()).toEqual(SCHEDULERS);
  });

  it('sends reminders that were already queued (their delayed jobs flushed) once, on time, instead of after the reconciler notices', async () => {
    await startWorkers(1, 60);
    const [due] = await dueSoon('queued', 3, [6_000]);
    await until(
      'they are queued with delayed jobs',
      async () => (await statuses(due)).every((s) => s === 'queued') && (await queue.getJobCounts('delayed')).delayed >= 3,
    );
    await shortlyBefore(due);
    expect(await statuses(due)).toEqual(['queued', 'queued', 'queued']);
    await direct.flushall();
    await expectDeliveredOnceOnTime(due);
  });

  it('sends queued and scheduled reminders once, on time, after Redis was killed and restarted empty', async () => {
    await startWorkers(1, 5);
    const [soon, later] = await dueSoon('restart', 1, [6_000, 12_000]);
    await until('the first is queued', async () => (await statuses(soon))[0] === 'queued');
    await shortlyBefore(soon, 1_500); // BullMQ reconnects after a second
    expect(await statuses(later)).toEqual(['scheduled']);
    await stopRedis(redis);
    redis = await startRedis(port); // empty: Redis kept nothing
    await expectDeliveredOnceOnTime([...soon, ...later]);
    expect(await schedulerIds()).toEqual(SCHEDULERS);
  });

  it('two workers both repairing after FLUSHALL send every reminder once and keep one of each scheduler', async () => {
    await startWorkers(2, 5);
    const [soon, later] = await dueSoon('pair', 4, [6_000, 12_000]);
    await until('the first batch is queued', async () => (await statuses(soon)).every((s) => s === 'queued'));
    await shortlyBefore(soon);
    expect(await statuses(later)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    await direct.flushall();
    await expectDeliveredOnceOnTime([...soon, ...later]);
    expect(await schedulerIds()).toEqual(SCHEDULERS);
  });

  it('sends on time when the schedulers survived but their pending jobs were lost', async () => {
    await startWorkers(1, 0);
    const [due] = await dueSoon('partial', 1, [5_000]);
    await shortlyBefore(due, 400);
    const prefix = `{${t.env.REDIS_PREFIX}}:bull:${QueueName.Reminders}:`;
    for (const id of SCHEDULERS) {
      await until(
        `${id}'s pending job is dropped`,
        async () => (await direct.eval(DROP_NEXT_JOB, 2, `${prefix}repeat`, `${prefix}delayed`, id, prefix)) === 1,
      );
    }
    expect(await schedulerIds()).toEqual(SCHEDULERS);
    expect(await statuses(due)).toEqual(['scheduled']);
    await expectDeliveredOnceOnTime(due);
  });

  it('brings the dispatcher back after one reconciler pass when a flush took the jobs of a large backlog, and releases the rest after', async () => {
    await startWorkers(1, 0);
    const course = (await t.http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Loss backlog' }).expect(201)).body.id;
    // Queued (a second ago, so the regular reconciler's 30 s leave them to the repair) for tomorrow: the dispatcher will not touch them again.
    await t.db.query(
      `WITH u AS (INSERT INTO users (email, name, role, timezone) SELECT 'backlog' || g || '@loss.test', 'Backlog ' || g, 'student', 'UTC' FROM generate_series(1, $2) g RETURNING id),
            e AS (INSERT INTO enrolments (course_id, user_id, status) SELECT $1, id, 'active' FROM u RETURNING id, user_id)
       INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, updated_at)
       SELECT 'inactivity', user_id, id, 'backlog:' || id, now() + interval '1 day', 'queued', now() - interval '1 second' FROM e`,
      [course, BACKLOG],
    );
    await direct.flushall();
    const deadline = Date.now() + 20_000;
    while (!(await queue.getJobScheduler('reminder-dispatch'))) {
      if (Date.now() > deadline) throw new Error('the dispatch scheduler did not come back');
      await sleep(5);
    }
    const back = (await t.db.query('SELECT clock_timestamp() AS at')).rows[0].at as Date;
    const counts = async () =>
      (
        await t.db.query(
          "SELECT count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled, count(*) FILTER (WHERE updated_at > $1)::int AS after FROM reminders WHERE dedupe_key LIKE 'backlog:%'",
          [back],
        )
      ).rows[0];
    await until('every lost row is scheduled again', async () => (await counts()).scheduled === BACKLOG);
    const { after } = await counts();
    // The first pass (5,000 rows) came before the dispatcher was re-created, the rest after it.
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(BACKLOG - 5_000);
    expect(await schedulerIds()).toEqual(SCHEDULERS);
  });
});
