import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { join } from 'path';
import { Cluster } from 'ioredis';
import { ReminderDispatch } from '../src/modules/reminders/reminder-dispatch';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import type { RedisCluster } from './helpers/redis-cluster';
import { startRedisCluster } from './helpers/redis-cluster';

const root = join(__dirname, '..');
type Http = TestApp['http'];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Accord on a private 3-master Redis Cluster (REDIS_CLUSTER_NODES), with two API processes and two
 * workers: the reminders' exactly-once delivery (the fault tests' core cases; flushing one master
 * is not among them) and the sign-in throttle's Lua script, whose keys must share one hash slot.
 */
describe('Redis Cluster (e2e, private 3-master cluster)', () => {
  let cluster: RedisCluster;
  let t: TestApp;
  let a: Http;
  let b: Http;
  let admin: string;
  let direct: Cluster;

  const sentCount = async (tag: string) =>
    (
      await t.db.query(
        "SELECT count(*)::int AS n FROM reminders r JOIN users u ON u.id = r.user_id WHERE u.email LIKE $1 AND r.status = 'sent'",
        [`${tag}%`],
      )
    ).rows[0].n as number;

  function expectExactlyOnce(emails: string[]): void {
    const wanted = new Set(emails);
    const received = t.mail.messages.filter((m) => wanted.has(m.to));
    expect(new Set(received.map((m) => m.to)).size).toBe(emails.length);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(received.length);
    expect(received.length).toBe(emails.length);
  }

  /** A published course with `n` students enrolled through `http` (each gets a welcome reminder due now). */
  async function enrolMany(http: Http, n: number, tag: string): Promise<string[]> {
    const course = (
      await http()
        .post('/api/v1/courses')
        .set(bearer(admin))
        .send({ title: `Cluster ${tag}` })
        .expect(201)
    ).body.id;
    await http().post(`/api/v1/courses/${course}/publish`).set(bearer(admin)).expect(200);
    const emails = Array.from({ length: n }, (_, i) => `${tag}${i}@cluster.test`);
    const res = await http()
      .post(`/api/v1/courses/${course}/enrolments/bulk`)
      .set(bearer(admin))
      .set('Content-Type', 'text/csv')
      .send(['email', ...emails].join('\n'));
    expect(res.body.created).toBe(n);
    return emails;
  }

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    t = await startTestApp({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: '', LOGIN_MAX_FAILURES: '3' });
    a = t.http;
    b = (await t.startPeer()).http;
    // The cluster clients connect after the processes start (no offline queue, by design): under a loaded
    // machine the first command could come first and get the 503 a real client would retry. Wait for ready.
    for (const [name, http] of [
      ['a', a],
      ['b', b],
    ] as const)
      await until(`process ${name} is ready`, async () => (await http().get('/api/v1/health/ready')).status === 200);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    direct = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
  }, 120_000);
  afterAll(async () => {
    direct?.disconnect();
    await t?.close();
    await cluster?.stop();
  });

  it('keeps every queue key in the slot of the hash-tagged prefix', async () => {
    await enrolMany(a, 3, 'slot');
    const prefix = `{${t.env.REDIS_PREFIX}}`;
    const slot = (await direct.call('CLUSTER', 'KEYSLOT', prefix)) as number;
    const owner = direct.nodes('master').find((node) => direct.slots[slot]?.includes(`${node.options.host}:${node.options.port}`));
    expect(owner).toBeDefined();
    const keys = await owner!.keys(`${prefix}:bull:reminders:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys.slice(0, 20)) expect(await direct.call('CLUSTER', 'KEYSLOT', key)).toBe(slot);
    // The other masters hold none of this deployment's keys.
    for (const node of direct.nodes('master').filter((n) => n !== owner)) expect(await node.keys(`${prefix}:*`)).toEqual([]);
  });

  it('sends once per reminder with two API processes enrolling and two workers dispatching at once', async () => {
    const emails = [...(await enrolMany(a, 60, 'pair-a')), ...(await enrolMany(b, 60, 'pair-b'))];
    const workers = [await t.startWorker({ REMINDER_CONCURRENCY: '8' }), await t.startWorker({ REMINDER_CONCURRENCY: '8' })];
    const dispatchers = workers.map((w) => w.get(ReminderDispatch, { strict: false }));
    await Promise.all([dispatchers[0].run(), dispatchers[1].run(), dispatchers[0].run(), dispatchers[1].run()]);
    await until('all sent', async () => (await sentCount('pair-a')) + (await sentCount('pair-b')) === 120);
    expectExactlyOnce(emails);
    await Promise.all(workers.map((w) => w.close()));
  }, 90_000);

  it('produces no duplicates when a worker process is killed (SIGKILL) mid-batch and two others finish the batch', async () => {
    const emails = await enrolMany(b, 120, 'kill');
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
    const stopGently = async (child: ChildProcess) => {
      if (child.exitCode !== null) return child.exitCode;
      const stopped = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return stopped;
    };

    const first = start();
    const after: ChildProcess[] = [];
    try {
      await until('a first part is delivered', async () => received() >= 30);
      t.mail.hold(); // messages now in flight are not accepted…
      await new Promise((r) => setTimeout(r, 300));
      const died = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL'); // …and the worker dies with them
      await died;
      await new Promise((r) => setTimeout(r, 300)); // let the sink see the dropped connections first
      t.mail.release();
      expect(await sentCount('kill')).toBeLessThan(120);
      after.push(start(), start()); // two workers take over what the dead one held
      await until('everything is sent after the restart', async () => (await sentCount('kill')) === 120, 60_000);
    } finally {
      if (first.exitCode === null) first.kill('SIGKILL');
      const codes = await Promise.all(after.map(stopGently));
      expect(codes).toEqual(after.map(() => 0));
    }
    expectExactlyOnce(emails);
  }, 120_000);

  it('counts failed sign-ins across both API processes and answers 429 with Retry-After', async () => {
    const email = 'guessed@cluster.test';
    const attempt = (http: Http) => http().post('/api/v1/auth/login').send({ email, password: 'wrong-password-1' });
    const statuses = [];
    for (const http of [a, b, a]) statuses.push((await attempt(http)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await attempt(b);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    // The throttle's keys are in the cluster, in the prefix's slot.
    const prefix = `{${t.env.REDIS_PREFIX}}`;
    const slot = (await direct.call('CLUSTER', 'KEYSLOT', prefix)) as number;
    const owner = direct.nodes('master').find((node) => direct.slots[slot]?.includes(`${node.options.host}:${node.options.port}`))!;
    expect((await owner.keys(`${prefix}:login-fail:*`)).length).toBeGreaterThanOrEqual(3);
  });

  it('announces a deactivation through the cluster: the other API process refuses the cached token at once', async () => {
    const sam = await createUser(t, admin, { email: 'sam.cluster@test.local', role: 'student' });
    expect((await b().get('/api/v1/me').set(bearer(sam.accessToken))).status).toBe(200);
    await a().delete(`/api/v1/users/${sam.id}`).set(bearer(admin)).expect(204);
    let status = 0;
    const deadline = Date.now() + 1_000; // far below AUTH_SESSION_CACHE_MS (5 s): only the announcement explains a 401
    while (Date.now() < deadline && (status = (await b().get('/api/v1/me').set(bearer(sam.accessToken))).status) !== 401) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
  });

  it('shares the per-address request limit between two API processes (the rate-limit script and pipeline on the cluster)', async () => {
    const limited = { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '4', REDIS_PREFIX: `${t.env.REDIS_PREFIX}_limit`, RATE_LIMIT_SYNC_MS: '10' };
    const [p, q] = [await t.startPeer(limited), await t.startPeer(limited)];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await (i % 2 ? q : p).http().get('/api/v1/health/nonexistent')).status);
      await new Promise((r) => setTimeout(r, 30)); // past one sync, so each process has seen the other's counts
    }
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });

  it('answers ready on both API processes', async () => {
    for (const http of [a, b]) {
      const res = await http().get('/api/v1/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.checks.redis).toBeDefined();
    }
  });
});
