import { randomUUID } from 'crypto';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type Http = TestApp['http'];

/**
 * Retries until `done` or the time is up; by default 500 ms: long enough for a Redis announcement
 * to reach the other process, far too short for a cached session (AUTH_SESSION_CACHE_MS, 5 s) to expire instead.
 */
async function eventually<T>(attempt: () => PromiseLike<T>, done: (value: T) => boolean, withinMs = 500): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Several API processes on one database and one Redis: what each keeps in memory (session checks,
 * rate-limit counts, course structures) must never let one process act on what another changed.
 */
describe('several API processes (e2e)', () => {
  let t: TestApp;
  let a: Http;
  let b: Http;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = t.http;
    b = (await t.startPeer()).http;
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('deactivation in one process refuses the token in another at once, though it had the session cached', async () => {
    const sam = await createUser(t, admin, { email: 'sam.deactivated@test.local', role: 'student' });
    expect((await b().get('/api/v1/me').set(bearer(sam.accessToken))).status).toBe(200);
    await a().delete(`/api/v1/users/${sam.id}`).set(bearer(admin)).expect(204);
    // The announcement travels through Redis: milliseconds, far below the cache's seconds.
    const refused = await eventually(
      () => b().get('/api/v1/me').set(bearer(sam.accessToken)),
      (res) => res.status === 401,
    );
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
  });

  it('a role change in one process applies in another at once', async () => {
    const ida = await createUser(t, admin, { email: 'ida.promoted@test.local', role: 'student' });
    const createCourse = () =>
      b()
        .post('/api/v1/courses')
        .set(bearer(ida.accessToken))
        .send({ title: `Promoted ${randomUUID()}` });
    expect((await createCourse()).status).toBe(403);
    await a().patch(`/api/v1/users/${ida.id}`).set(bearer(admin)).send({ role: 'instructor' }).expect(200);
    expect((await eventually(createCourse, (res) => res.status !== 403)).status).toBe(201);
    await a().patch(`/api/v1/users/${ida.id}`).set(bearer(admin)).send({ role: 'student' }).expect(200);
    expect((await eventually(createCourse, (res) => res.status === 403)).status).toBe(403);
  });

  it('a change made directly in the database (no announcement) applies within AUTH_SESSION_CACHE_MS', async () => {
    const leo = await createUser(t, admin, { email: 'leo.revoked@test.local', role: 'student' });
    expect((await b().get('/api/v1/me').set(bearer(leo.accessToken))).status).toBe(200);
    await t.db.query('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [leo.id]);
    const refused = await eventually(
      () => b().get('/api/v1/me').set(bearer(leo.accessToken)),
      (res) => res.status === 401,
      t.config.auth.sessionCacheMs + 2_000,
    );
    expect(refused.status).toBe(401);
  });
});

describe('rate limits shared by several API processes (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    const limits = { RATE_LIMIT_PER_MINUTE: '8', RATE_LIMIT_SYNC_MS: '20' };
    t = await startTestApp(limits);
  });
  afterAll(() => t.close());

  it('counts a token’s requests across processes', async () => {
    const b = (await t.startPeer()).http;
    const { accessToken } = await login(t, ADMIN.email, ADMIN.password);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http().get('/api/v1/me').set(bearer(accessToken))).status);
    await new Promise((r) => setTimeout(r, 200)); // several sync intervals
    for (let i = 0; i < 5; i++) statuses.push((await b().get('/api/v1/me').set(bearer(accessToken))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    // Once the second process has synced, the first learns its counts with its own next sync
    // (one request may slip through first: the documented overshoot of one sync interval).
    await new Promise((r) => setTimeout(r, 200));
    await t.http().get('/api/v1/me').set(bearer(accessToken));
    await new Promise((r) => setTimeout(r, 200));
    const back = await t.http().get('/api/v1/me').set(bearer(accessToken));
    expect(back.status).toBe(429);
    expect(back.headers['ratelimit-remaining']).toBe('0');
  });
});

describe('course structure cached per process (e2e)', () => {
  let t: TestApp;
  let b: Http;
  let admin: string;
  let student: { accessToken: string };
  let course: string;
  let first: string;
  let material: string;

  const view = async (http: Http) => {
    const res = await http().get(`/api/v1/me/courses/${course}/progress`).set(bearer(student.accessToken));
    expect(res.status).toBe(200);
    return res.body as { modules: Array<{ id: string; title: string; state: string; items: Array<{ id: string }> }> };
  };

  beforeAll(async () => {
    t = await startTestApp();
    b = (await t.startPeer()).http;
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const s = await createUser(t, admin, { email: 'structure.student@test.local', role: 'student' });
    student = s;
    material = (
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: `Structure ${randomUUID()}`, kind: 'article', url: 'https://example.edu/s' })
    ).body.id;
    course = (await t.http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Structure cache' })).body.id;
    first = (await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(admin)).send({ title: 'First' })).body.id;
    await t
      .http()
      .post(`/api/v1/modules/${first}/items`)
      .set(bearer(admin))
      .send({ materialId: material, completion: { type: 'view' } })
      .expect(201);
    await t.http().post(`/api/v1/courses/${course}/publish`).set(bearer(admin)).expect(200);
    await t.http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(admin)).send({ userId: s.id }).expect(201);
  });
  afterAll(() => t.close());

  it('shows changes made through another process at once', async () => {
    expect((await view(b)).modules.map((m) => m.title)).toEqual(['First']);
    const second = (
      await t
        .http()
        .post(`/api/v1/courses/${course}/modules`)
        .set(bearer(admin))
        .send({ title: 'Second', prerequisiteModuleIds: [first] })
    ).body.id;
    await t
      .http()
      .post(`/api/v1/modules/${second}/items`)
      .set(bearer(admin))
      .send({ materialId: material, completion: { type: 'view' } })
      .expect(201);
    let seen = await view(b);
    expect(seen.modules.map((m) => [m.title, m.state, m.items.length])).toEqual([
      ['First', 'available', 1],
      ['Second', 'locked', 1],
    ]);
    await t.http().patch(`/api/v1/modules/${first}`).set(bearer(admin)).send({ title: 'First, renamed' }).expect(200);
    await t
      .http()
      .put(`/api/v1/courses/${course}/modules/order`)
      .set(bearer(admin))
      .send({ moduleIds: [second, first] })
      .expect(200);
    seen = await view(b);
    expect(seen.modules.map((m) => m.title)).toEqual(['Second', 'First, renamed']);
    await t.http().delete(`/api/v1/modules/${second}`).set(bearer(admin)).expect(204);
    expect((await view(b)).modules.map((m) => m.title)).toEqual(['First, renamed']);
  });

  it('shows changes made directly in the database at once', async () => {
    await view(b);
    await t.db.query(`UPDATE modules SET unlock_at = now() + interval '3 days' WHERE id = $1`, [first]);
    expect((await view(b)).modules[0].state).toBe('locked');
    await t.db.query(`UPDATE modules SET unlock_at = NULL WHERE id = $1`, [first]);
    expect((await view(b)).modules[0].state).toBe('available');
  });

  it('bumps the structure version for every change to modules, items and prerequisites, and only then', async () => {
    const version = async () =>
      (await t.db.query<{ v: number }>('SELECT structure_version AS v FROM courses WHERE id = $1', [course])).rows[0].v;
    const before = await version();
    await t.db.query('UPDATE modules SET title = title WHERE id = $1', [first]); // no change
    expect(await version()).toBe(before);
    await t.db.query('UPDATE items SET required = NOT required WHERE module_id = $1', [first]);
    expect(await version()).toBe(before + 1);
    const extra = (
      await t.db.query<{ id: string }>(`INSERT INTO modules (course_id, title, position) VALUES ($1, 'Extra', 99) RETURNING id`, [course])
    ).rows[0].id;
    expect(await version()).toBe(before + 2);
    await t.db.query('INSERT INTO module_prerequisites (module_id, prerequisite_id) VALUES ($1, $2)', [extra, first]);
    expect(await version()).toBe(before + 3);
    await t.db.query('DELETE FROM module_prerequisites WHERE module_id = $1', [extra]);
    expect(await version()).toBe(before + 4);
    await t.db.query('DELETE FROM modules WHERE id = $1', [extra]);
    expect(await version()).toBe(before + 5);
  });
});
