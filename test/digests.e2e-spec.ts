import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { join } from 'path';
import type { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { DigestSender } from '../src/modules/reminders/digest-sender';
import type { CaughtMail, TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import { freePort } from './helpers/ports';
import { startRedis, stopRedis } from './helpers/redis-server';
import { ReminderDriver } from './helpers/reminders';

type User = Awaited<ReturnType<typeof createUser>>;

const root = join(__dirname, '..');
/** 01:00 in Bogotá (UTC-5): six hours before the 07:00 digest (12:00Z). */
const NIGHT = new Date('2026-12-01T06:00:00Z');
const SEVEN_BOGOTA = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
/** The real schedulers, at a short interval (the test still owns the clock). */
const REAL_SCHEDULERS = { REMINDER_SCHEDULERS: 'true', REMINDER_DISPATCH_INTERVAL_MS: '200', REMINDER_WATCHDOG_INTERVAL_MS: '500' };

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates users, courses and assignments through the API, and reads the digest state from PostgreSQL. */
class Scenario {
  admin = '';
  constructor(private readonly t: TestApp) {}

  async init(): Promise<void> {
    this.admin = (await login(this.t, ADMIN.email, ADMIN.password)).accessToken;
  }

  /** A student in Bogotá with a daily 07:00 digest (quiet hours 22:00–06:00, so 07:00 is outside them). */
  async student(email: string): Promise<User> {
    const user = await createUser(this.t, this.admin, { email, role: 'student', name: 'Bea Bogotá' });
    await this.t.http().patch(`/api/v1/users/${user.id}`).set(bearer(this.admin)).send({ timezone: 'America/Bogota' }).expect(200);
    const res = await this.t
      .http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(user.accessToken))
      .send({ quietHours: { start: '22:00', end: '06:00' }, digest: { frequency: 'daily', hour: 7, weekday: 1 } })
      .expect(200);
    expect(res.body.digest).toEqual({ frequency: 'daily', hour: 7, weekday: 1 });
    return user;
  }

  /** A published course of `n` modules (one viewable item each) with `students` enrolled; returns modules and items. */
  async course(title: string, n: number, students: User[]): Promise<{ id: string; slug: string; modules: string[]; items: string[] }> {
    const http = () => this.t.http();
    const as = bearer(this.admin);
    const course = (await http().post('/api/v1/courses').set(as).send({ title }).expect(201)).body;
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(as)
        .send({ title: `Reading ${randomUUID()}`, kind: 'article', url: 'https://example.edu/r' })
        .expect(201)
    ).body.id;
    const modules: string[] = [];
    const items: string[] = [];
    for (let i = 1; i <= n; i++) {
      const moduleId = (
        await http()
          .post(`/api/v1/courses/${course.id}/modules`)
          .set(as)
          .send({ title: `${title} part ${i}` })
          .expect(201)
      ).body.id;
      items.push(
        (
          await http()
            .post(`/api/v1/modules/${moduleId}/items`)
            .set(as)
            .send({ materialId: material, completion: { type: 'view' } })
            .expect(201)
        ).body.id,
      );
      modules.push(moduleId);
    }
    await http().post(`/api/v1/courses/${course.id}/publish`).set(as).expect(200);
    for (const s of students) await http().post(`/api/v1/courses/${course.id}/enrolments`).set(as).send({ userId: s.id }).expect(201);
    return { id: course.id, slug: course.slug, modules, items };
  }

  /** One assignment per module, due 2, 3, 4… days after `from`. */
  async assignAll(course: { id: string; modules: string[] }, from: Date): Promise<void> {
    for (const [i, moduleId] of course.modules.entries()) {
      await this.t
        .http()
        .post(`/api/v1/courses/${course.id}/assignments`)
        .set(bearer(this.admin))
        .send({ moduleId, dueAt: new Date(from.getTime() + (i + 2) * DAY).toISOString(), target: { type: 'course' } })
        .expect(201);
    }
  }

  async reminders(userId: string): Promise<Array<{ kind: string; status: string; skip_reason: string | null; digest_id: string | null }>> {
    return (
      await this.t.db.query('SELECT kind, status, skip_reason, digest_id FROM reminders WHERE user_id = $1 ORDER BY kind, created_at', [
        userId,
      ])
    ).rows;
  }

  async held(userId: string): Promise<number> {
    return (await this.t.db.query("SELECT count(*)::int AS n FROM reminders WHERE user_id = $1 AND status = 'held'", [userId])).rows[0].n;
  }

  async digests(userId: string): Promise<Array<{ id: string; status: string; slot_at: Date }>> {
    return (await this.t.db.query('SELECT id, status, slot_at FROM digests WHERE user_id = $1 ORDER BY slot_at', [userId])).rows;
  }
}

const digestMails = (mail: { messages: CaughtMail[] }, email: string) =>
  mail.messages.filter((m) => m.to.includes(email) && m.messageId.startsWith('<digest-'));

describe('digests (e2e, settable clock, real schedulers)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let driver: ReminderDriver;
  let s: Scenario;

  beforeAll(async () => {
    t = await startTestApp();
    worker = await t.startWorker(REAL_SCHEDULERS);
    driver = new ReminderDriver(t, [worker]);
    s = new Scenario(t);
    await s.init();
  });
  afterAll(() => t.close());
  beforeEach(() => driver.setClock(NIGHT));

  it('sends a Bogotá student with a daily 07:00 digest one email at 07:00 Bogotá listing three items, none separately', async () => {
    const bea = await s.student('bea@digest.test');
    const course = await s.course('Mediation', 3, [bea]);
    await s.assignAll(course, NIGHT);
    // The three new-assignment notices come due at once, and are held for the 07:00 digest.
    await until('three notices are held', async () => (await s.held(bea.id)) === 3);
    const [digest] = await s.digests(bea.id);
    expect(new Date(digest.slot_at).toISOString()).toBe(SEVEN_BOGOTA.toISOString());
    // Only the welcome went out (welcome emails stay immediate).
    await until('the welcome is delivered', async () => t.mail.messages.some((m) => m.to.includes('bea@digest.test')));
    const before = t.mail.messages.filter((m) => m.to.includes('bea@digest.test'));
    expect(before.map((m) => m.subject)).toEqual(['Welcome to Mediation']);

    driver.setClock(new Date(SEVEN_BOGOTA.getTime() - 60_000)); // 06:59: not yet
    await sleep(600);
    expect(digestMails(t.mail, 'bea@digest.test')).toHaveLength(0);

    driver.setClock(SEVEN_BOGOTA);
    await until('the digest is sent', async () => digestMails(t.mail, 'bea@digest.test').length > 0);
    await sleep(600); // several more scheduler runs: still one
    const mails = t.mail.messages.filter((m) => m.to.includes('bea@digest.test'));
    expect(mails).toHaveLength(2);
    const [mail] = digestMails(t.mail, 'bea@digest.test');
    expect(mail.subject).toBe('Your Accord digest: 3 items');
    expect(mail.messageId).toBe(`<digest-${digest.id}@accord>`);
    for (const [i, moduleId] of course.modules.entries()) {
      expect(mail.text).toContain(`"Mediation part ${i + 1}" in "Mediation"`);
      expect(mail.text).toContain(`https://accord.test/courses/${course.slug}/modules/${moduleId}`);
      expect(mail.html).toContain(`href="https://accord.test/courses/${course.slug}/modules/${moduleId}"`);
    }
    // Due dates in her zone: the first is due 3 December 06:00Z = 01:00 in Bogotá.
    expect(mail.text).toMatch(/due [^\n]*3 December[^\n]*01:00[^\n]*\(America\/Bogota\)/);
    expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/accord\.test\/unsubscribe\?token=[\w-]+\.[\w-]+>$/);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    const rows = await s.reminders(bea.id);
    expect(rows.filter((r) => r.kind === 'assignment').map((r) => [r.status, r.skip_reason, r.digest_id])).toEqual([
      ['skipped', 'digested', digest.id],
      ['skipped', 'digested', digest.id],
      ['skipped', 'digested', digest.id],
    ]);
    expect((await s.digests(bea.id)).map((d) => d.status)).toEqual(['sent']);

    // The digest's one-click link turns the digest off (and only that).
    const token = new URL(mail.headers['list-unsubscribe'].slice(1, -1)).searchParams.get('token');
    const scope = await t.http().post('/api/v1/notifications/unsubscribe').send({ token }).expect(200);
    expect(scope.body.kind).toBe('digest');
    const prefs = await t.http().get('/api/v1/me/notification-preferences').set(bearer(bea.accessToken)).expect(200);
    expect(prefs.body.digest.frequency).toBe('off');
    expect(prefs.body.assignment).toBe(true);
  });

  it('drops an item completed before 07:00, and sends nothing when every item is done', async () => {
    const cid = await s.student('cid@digest.test');
    const dee = await s.student('dee@digest.test');
    const course = await s.course('Arbitration', 3, [cid, dee]);
    await s.assignAll(course, NIGHT);
    await until('the notices are held', async () => (await s.held(cid.id)) === 3 && (await s.held(dee.id)) === 3);

    driver.setClock(new Date(NIGHT.getTime() + 3_600_000)); // 02:00 Bogotá
    const view = (user: User, items: string[]) =>
      t
        .http()
        .post('/api/v1/progress/events')
        .set(bearer(user.accessToken))
        .send({
          events: items.map((itemId) => ({
            eventId: randomUUID(),
            itemId,
            type: 'viewed',
            occurredAt: new Date(NIGHT.getTime() + 3_600_000).toISOString(),
          })),
        })
        .expect(200);
    await view(cid, [course.items[1]]);
    await view(dee, course.items);

    driver.setClock(SEVEN_BOGOTA);
    await until('both digests are settled', async () =>
      [...(await s.digests(cid.id)), ...(await s.digests(dee.id))].every((d) => d.status === 'sent' || d.status === 'empty'),
    );
    const [mail, ...more] = digestMails(t.mail, 'cid@digest.test');
    expect(more).toHaveLength(0);
    expect(mail.subject).toBe('Your Accord digest: 2 items');
    expect(mail.text).toContain('"Arbitration part 1"');
    expect(mail.text).not.toContain('"Arbitration part 2"');
    expect(mail.text).toContain('"Arbitration part 3"');
    expect(
      (await s.reminders(cid.id))
        .filter((r) => r.kind === 'assignment')
        .map((r) => r.skip_reason)
        .sort(),
    ).toEqual(['completed', 'digested', 'digested']);
    // Everything done: the digest is not sent, and no notice went out alone.
    await until('the welcome is delivered', async () => t.mail.messages.some((m) => m.to.includes('dee@digest.test')));
    expect(digestMails(t.mail, 'dee@digest.test')).toHaveLength(0);
    expect((await s.digests(dee.id)).map((d) => d.status)).toEqual(['empty']);
    expect(t.mail.messages.filter((m) => m.to.includes('dee@digest.test')).map((m) => m.subject)).toEqual(['Welcome to Arbitration']);
  });

  it('keeps quiet hours: a 22:00 digest inside 21:00–08:00 goes out at 08:00', async () => {
    const fay = await createUser(t, s.admin, { email: 'fay@digest.test', role: 'student' });
    await t.http().patch(`/api/v1/users/${fay.id}`).set(bearer(s.admin)).send({ timezone: 'America/Bogota' }).expect(200);
    await t
      .http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(fay.accessToken))
      .send({ digest: { frequency: 'daily', hour: 22, weekday: 1 } }) // quiet hours stay the default 21:00–08:00
      .expect(200);
    const course = await s.course('Quiet', 1, [fay]);
    await s.assignAll(course, NIGHT);
    await until('the notice is held', async () => (await s.held(fay.id)) === 1);
    const { rows } = await t.db.query('SELECT slot_at, scheduled_for FROM digests WHERE user_id = $1', [fay.id]);
    expect(rows.map((r) => [new Date(r.slot_at).toISOString(), new Date(r.scheduled_for).toISOString()])).toEqual([
      ['2026-12-02T03:00:00.000Z', '2026-12-02T13:00:00.000Z'], // 22:00 Bogotá, then 08:00 the next morning
    ]);
    driver.setClock(new Date('2026-12-02T03:00:00Z'));
    await sleep(600);
    expect(digestMails(t.mail, 'fay@digest.test')).toHaveLength(0);
    driver.setClock(new Date('2026-12-02T13:00:00Z'));
    await until('the digest is sent', async () => digestMails(t.mail, 'fay@digest.test').length === 1);
    expect(digestMails(t.mail, 'fay@digest.test')[0].subject).toBe('Your Accord digest: 1 item');
  });

  it('refuses a bad digest setting with a 400 problem naming the field, and keeps the old one', async () => {
    const gus = await s.student('gus@digest.test');
    const bad: unknown[] = [
      { frequency: 'hourly', hour: 7, weekday: 1 },
      { frequency: 'daily', hour: 24, weekday: 1 },
      { frequency: 'weekly', hour: 7, weekday: 0 },
      { frequency: 'daily', hour: 7.5, weekday: 1 },
      { frequency: 'daily', hour: 7, weekday: 1, minute: 30 },
      { frequency: 'daily' },
      null,
      'daily',
    ];
    for (const digest of bad) {
      const res = await t.http().patch('/api/v1/me/notification-preferences').set(bearer(gus.accessToken)).send({ digest });
      expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringContaining('problem+json')]);
      expect(JSON.stringify(res.body)).toContain('digest');
    }
    const prefs = await t.http().get('/api/v1/me/notification-preferences').set(bearer(gus.accessToken)).expect(200);
    expect(prefs.body.digest).toEqual({ frequency: 'daily', hour: 7, weekday: 1 });
    // A weekly digest on Sundays at 18:00, through PUT (every field), and a PUT without `digest` keeps it.
    const all = { welcome: true, assignment: true, dueSoon: true, overdue: true, inactivity: true, quietHours: null };
    await t
      .http()
      .put('/api/v1/me/notification-preferences')
      .set(bearer(gus.accessToken))
      .send({ ...all, digest: { frequency: 'weekly', hour: 18, weekday: 7 } })
      .expect(200);
    const kept = await t.http().put('/api/v1/me/notification-preferences').set(bearer(gus.accessToken)).send(all).expect(200);
    expect(kept.body.digest).toEqual({ frequency: 'weekly', hour: 18, weekday: 7 });
  });

  it('two workers sending at once send each digest once', async () => {
    const students = await Promise.all(Array.from({ length: 12 }, (_, i) => s.student(`pair${i}@digest.test`)));
    const course = await s.course('Pairs', 2, students);
    await s.assignAll(course, NIGHT);
    await until('all notices are held', async () => {
      const { rows } = await t.db.query("SELECT count(*)::int AS n FROM reminders WHERE status = 'held' AND kind = 'assignment'");
      return rows[0].n >= 24;
    });
    const second = await t.startWorker();
    new ReminderDriver(t, [worker, second]).setClock(SEVEN_BOGOTA);
    const senders = [worker, second].map((w) => w.get(DigestSender, { strict: false }));
    await Promise.all([senders[0].run(), senders[1].run(), senders[0].run(), senders[1].run()]);
    await until('every digest is sent', async () => {
      const { rows } = await t.db.query(
        "SELECT count(*)::int AS n FROM digests d JOIN users u ON u.id = d.user_id WHERE u.email LIKE 'pair%' AND d.status = 'sent'",
      );
      return rows[0].n === 12;
    });
    await sleep(600);
    const mails = t.mail.messages.filter((m) => m.to.startsWith('pair') && m.messageId.startsWith('<digest-'));
    expect(mails).toHaveLength(12);
    expect(new Set(mails.map((m) => m.to)).size).toBe(12);
    expect(mails.every((m) => m.subject === 'Your Accord digest: 2 items')).toBe(true);
    await second.close();
  });
});

// A private redis-server (the machine's is shared by every suite) flushed under a worker process that is then killed.
describe('a digest across a Redis flush and a worker SIGKILL (e2e, private redis-server)', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let direct: Redis;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    direct = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    direct.disconnect();
    await t.close().catch(() => undefined);
    await stopRedis(redis);
    await sleep(2_100); // ioredis's destroy timers (see reminders-redis-loss)
  });

  it('is sent exactly once, with every entry, when Redis is flushed and the worker killed mid-send', async () => {
    const s = new Scenario(t);
    await s.init();
    // Hold the notices with an in-process worker on the test's clock…
    const holder = await t.startWorker();
    const driver = new ReminderDriver(t, [holder]);
    driver.setClock(NIGHT);
    const eve = await s.student('eve@digest.test');
    // The worker processes run on the real clock, whatever hour this test runs at: no quiet hours to wait for.
    await t.http().patch('/api/v1/me/notification-preferences').set(bearer(eve.accessToken)).send({ quietHours: null }).expect(200);
    const course = await s.course('Negotiation', 3, [eve]);
    await s.assignAll(course, NIGHT);
    await driver.run();
    expect(await s.held(eve.id)).toBe(3);
    await holder.close();
    // …then make the digest due now on the real clock, for worker processes that run on it.
    await t.db.query("UPDATE digests SET scheduled_for = now() - interval '1 second' WHERE user_id = $1", [eve.id]);
    const [digest] = await s.digests(eve.id);

    const env = {
      ...process.env,
      ...t.env,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      REMINDER_SCHEDULERS: 'true',
      REMINDER_DISPATCH_INTERVAL_MS: '200',
      REMINDER_WATCHDOG_INTERVAL_MS: '300',
      REMINDER_RECONCILE_INTERVAL_MS: '1000',
      REMINDER_LEASE_SECONDS: '2',
    };
    let logs = '';
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, [join(root, 'dist/src/worker.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
      return child;
    };
    t.mail.hold(); // the first attempt reaches SMTP but is never accepted…
    const first = start();
    await until('the first worker is sending the digest', async () => (await s.digests(eve.id))[0].status === 'sending').catch(
      async (error: Error) => {
        const { rows } = await t.db.query(
          'SELECT status, attempts, last_error, scheduled_for, now() AS db_now FROM digests WHERE user_id = $1',
          [eve.id],
        );
        throw new Error(
          `${error.message}: ${JSON.stringify(rows)} exit=${first.exitCode} mails=${t.mail.messages.length}\n${logs.slice(-3000)}`,
        );
      },
    );
    await sleep(300);
    await direct.flushall(); // …Redis loses everything (schedulers included)…
    const died = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL'); // …and the worker dies mid-send.
    await died;
    await sleep(300); // let the sink see the dropped connection first
    t.mail.release();
    expect(digestMails(t.mail, 'eve@digest.test')).toHaveLength(0);
    expect(await s.held(eve.id)).toBe(3);

    const second = start();
    try {
      await until('the digest is sent after the restart', async () => (await s.digests(eve.id))[0].status === 'sent', 60_000).catch(
        async (error: Error) => {
          const { rows } = await t.db.query('SELECT status, attempts, last_error, lease_until FROM digests WHERE user_id = $1', [eve.id]);
          throw new Error(`${error.message}: ${JSON.stringify(rows)}\n${logs.slice(-3000)}`);
        },
      );
      await sleep(1_000);
    } finally {
      const stopped = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
      second.kill('SIGTERM');
      expect(await stopped).toBe(0);
    }
    const mails = digestMails(t.mail, 'eve@digest.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].messageId).toBe(`<digest-${digest.id}@accord>`);
    expect(mails[0].subject).toBe('Your Accord digest: 3 items');
    expect(await s.digests(eve.id)).toHaveLength(1);
    const rows = (await s.reminders(eve.id)).filter((r) => r.kind === 'assignment');
    expect(rows.map((r) => [r.status, r.skip_reason])).toEqual([
      ['skipped', 'digested'],
      ['skipped', 'digested'],
      ['skipped', 'digested'],
    ]);
  }, 120_000);
});
