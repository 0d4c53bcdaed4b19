import type { ChildProcess } from 'child_process';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, login, startTestApp } from '../helpers/app';
import { freePort } from '../helpers/ports';
import { ReminderDriver } from '../helpers/reminders';
import { startRedis, stopRedis as stop } from '../helpers/redis-server';

// A private redis-server (the machine's is shared by every suite), killed and restarted under a running API and worker.
describe('Redis restarted during work (e2e, private redis-server)', () => {
  let t: TestApp;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await stop(redis);
    // ioredis arms a 2 s "destroy the socket" timer when it closes a connection that Redis had
    // already dropped; let those run out so the Jest worker can exit cleanly.
    await new Promise((r) => setTimeout(r, 2_100));
  });

  it('keeps answering reads while Redis is down, reports not ready, and loses no reminder once it is back', async () => {
    const { accessToken } = await login(t, ADMIN.email, ADMIN.password);
    const course = (await t.http().post('/api/v1/courses').set(bearer(accessToken)).send({ title: 'Redis restart' })).body.id;
    await t.http().post(`/api/v1/courses/${course}/publish`).set(bearer(accessToken)).expect(200);

    await stop(redis);
    expect((await t.http().get('/api/v1/me').set(bearer(accessToken))).status).toBe(200);
    expect((await t.http().get(`/api/v1/courses/${course}`).set(bearer(accessToken))).status).toBe(200);
    const ready = await t.http().get('/api/v1/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ database: 'up', redis: 'down' });
    // Writes that only need PostgreSQL still work; their reminder rows wait in the database.
    const enrolled = await t
      .http()
      .post(`/api/v1/courses/${course}/enrolments`)
      .set(bearer(accessToken))
      .send({ email: 'during-outage@test.local' });
    expect(enrolled.status).toBe(201);

    redis = await startRedis(port); // empty: Redis kept nothing
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await t.http().get('/api/v1/health/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    const worker = await t.startWorker();
    await new ReminderDriver(t, [worker]).run();
    await t.mail.waitFor((m) => m.some((x) => x.to === 'during-outage@test.local'));
    expect(t.mail.messages.filter((m) => m.to === 'during-outage@test.local')).toHaveLength(1);
  });
});
