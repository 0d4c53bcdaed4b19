import { decode } from 'jsonwebtoken';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import { spentLongAgo } from './helpers/sessions';

type Http = TestApp['http'];

/** Retries until `done` or 2 s: room for a Redis announcement on a busy machine, still well under AUTH_SESSION_CACHE_MS (5 s). */
async function eventually<T>(attempt: () => PromiseLike<T>, done: (value: T) => boolean, withinMs = 2_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const me = (http: Http, token: string) => http().get('/api/v1/me').set(bearer(token));

/** Opens the dashboard through a fresh one-time link; answers the ticket URL's path and the cookie it set. */
async function openDashboard(http: Http, accessToken: string): Promise<{ ticketPath: string; cookie: string }> {
  const link = await http().post('/api/v1/admin/queues/session').set(bearer(accessToken));
  expect(link.status).toBe(200);
  const url = new URL(link.body.url);
  const ticketPath = `${url.pathname}${url.search}`;
  const open = await http().get(ticketPath);
  expect(open.status).toBe(303);
  const cookie = (open.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  expect((await http().get('/admin/queues').set('Cookie', cookie)).status).toBe(200);
  return { ticketPath, cookie };
}

describe('sessions end everywhere (e2e)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('logout refuses that session’s access token at once, and only that session’s', async () => {
    const user = await createUser(t, adminToken, { email: 'leaving@test.local', role: 'student' });
    const other = await login(t, user.email, user.password);
    expect((await me(t.http, user.accessToken)).status).toBe(200);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    const refused = await me(t.http, user.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect((await me(t.http, other.accessToken)).status).toBe(200);
    const { rows } = await t.db.query('SELECT revoked_at FROM auth_sessions WHERE user_id = $1 ORDER BY created_at', [user.id]);
    expect(rows.map((r) => r.revoked_at !== null)).toEqual([true, false]);
  });

  it('a password change refuses the access tokens of every session at once, the changing one included', async () => {
    const user = await createUser(t, adminToken, { email: 'newpass@test.local', role: 'student' });
    const other = await login(t, user.email, user.password);
    const change = await t
      .http()
      .patch('/api/v1/me')
      .set(bearer(user.accessToken))
      .send({ password: 'a-brand-new-password', currentPassword: user.password });
    expect(change.status).toBe(200);
    expect((await me(t.http, user.accessToken)).status).toBe(401);
    expect((await me(t.http, other.accessToken)).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken })).status).toBe(401);
    const again = await login(t, user.email, 'a-brand-new-password');
    expect((await me(t.http, again.accessToken)).status).toBe(200);
  });

  it('a refresh-token reuse revokes the session: its access tokens, old and new, are refused at once', async () => {
    const user = await createUser(t, adminToken, { email: 'stolen@test.local', role: 'student' });
    const rotated = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await me(t.http, rotated.body.accessToken)).status).toBe(200);
    await spentLongAgo(t, user.id);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await me(t.http, user.accessToken)).status).toBe(401);
    expect((await me(t.http, rotated.body.accessToken)).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken })).status).toBe(401);
  });

  it('keeps refusing a revoked session’s longer-lived access token after a redeploy lowers JWT_ACCESS_TTL_SECONDS', async () => {
    const longLived = await t.startPeer({ JWT_ACCESS_TTL_SECONDS: '3600' });
    const user = await createUser(t, adminToken, { email: 'long.lived@test.local', role: 'student' });
    const signIn = await longLived.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(signIn.body.expiresIn).toBe(3600);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: signIn.body.refreshToken }).expect(204);
    // Twenty minutes later, on processes now issuing one-minute tokens, the hour-long token has 40 minutes left.
    await t.db.query(
      "UPDATE auth_sessions SET revoked_at = revoked_at - interval '20 minutes' WHERE user_id = $1 AND revoked_at IS NOT NULL",
      [user.id],
    );
    const shortLived = await t.startPeer({ JWT_ACCESS_TTL_SECONDS: '60' });
    expect((await me(shortLived.http, signIn.body.accessToken)).status).toBe(401);
    expect((await me(shortLived.http, user.accessToken)).status).toBe(200);
  });

  it('revokes only the sessions that may still have live tokens, and prunes the user’s finished ones at sign-in', async () => {
    const user = await createUser(t, adminToken, { email: 'old.sessions@test.local', role: 'student' });
    const [expired, revokedLongAgo, revokedLately] = [
      await login(t, user.email, user.password),
      await login(t, user.email, user.password),
      await login(t, user.email, user.password),
    ];
    const sid = (session: { accessToken: string }) => (decode(session.accessToken) as { sid: string }).sid;
    const ids = { expired: sid(expired), revokedLongAgo: sid(revokedLongAgo), revokedLately: sid(revokedLately) };
    // A sign-in forty days ago whose tokens have all expired, never revoked.
    await t.db.query("UPDATE auth_sessions SET created_at = now() - interval '40 days' WHERE id = $1", [ids.expired]);
    await t.db.query(
      "UPDATE refresh_tokens SET created_at = now() - interval '40 days', expires_at = now() - interval '10 days' WHERE family_id = $1",
      [ids.expired],
    );
    // A password change ends the live sessions only: the finished one is not stamped.
    const changed = 'a-password-after-forty-days';
    await t
      .http()
      .patch('/api/v1/me')
      .set(bearer(user.accessToken))
      .send({ password: changed, currentPassword: user.password })
      .expect(200);
    const revoked = async () =>
      Object.fromEntries(
        (await t.db.query('SELECT id, revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE user_id = $1', [user.id])).rows.map(
          (r) => [r.id, r.revoked],
        ),
      );
    const before = await revoked();
    expect(before[ids.expired]).toBe(false);
    expect(before[ids.revokedLongAgo]).toBe(true);
    expect(before[ids.revokedLately]).toBe(true);
    expect(Object.values(before).filter((r) => !r)).toHaveLength(1);
    // Two days on, one of the revocations is older than any access token can live; the other is an hour old.
    await t.db.query("UPDATE auth_sessions SET revoked_at = now() - interval '2 days' WHERE id = $1", [ids.revokedLongAgo]);
    await t.db.query("UPDATE auth_sessions SET revoked_at = now() - interval '1 hour' WHERE id = $1", [ids.revokedLately]);
    const next = await login(t, user.email, changed);
    const after = await revoked();
    // The finished two are gone; the two revoked within a day (this one, the first sign-in) and the new sign-in stay.
    expect(Object.keys(after)).toHaveLength(3);
    expect(after).not.toHaveProperty(ids.expired);
    expect(after).not.toHaveProperty(ids.revokedLongAgo);
    expect(after[ids.revokedLately]).toBe(true);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE family_id = ANY($1::uuid[])', [
      [ids.expired, ids.revokedLongAgo],
    ]);
    expect(rows[0].n).toBe(0);
    // The recently revoked session's access token is still refused; the new sign-in works.
    expect((await me(t.http, revokedLately.accessToken)).status).toBe(401);
    expect((await me(t.http, next.accessToken)).status).toBe(200);
  });

  it('lets no live token out of a refresh that races the logout of its session', async () => {
    const user = await createUser(t, adminToken, { email: 'racing@test.local', role: 'student' });
    for (let round = 0; round < 10; round++) {
      const session = await login(t, user.email, user.password);
      const [refreshed] = await Promise.all([
        t.http().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
        t.http().post('/api/v1/auth/logout').send({ refreshToken: session.refreshToken }),
      ]);
      if (refreshed.status === 200) {
        expect((await me(t.http, refreshed.body.accessToken)).status).toBe(401);
        expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: refreshed.body.refreshToken })).status).toBe(401);
      } else {
        expect(refreshed.status).toBe(401);
      }
      expect((await me(t.http, session.accessToken)).status).toBe(401);
    }
  });

  it('ends the queue-dashboard cookie with the sign-in session it was opened from (logout)', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const { cookie } = await openDashboard(t.http, admin.accessToken);
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: admin.refreshToken }).expect(204);
    const refused = await t.http().get('/admin/queues').set('Cookie', cookie);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.http().get('/admin/queues/api/queues').set('Cookie', cookie)).status).toBe(401);
  });

  it('ends the queue-dashboard cookie when the admin changes their password', async () => {
    const other = await createUser(t, adminToken, { email: 'second.admin@test.local', role: 'admin' });
    const { cookie } = await openDashboard(t.http, other.accessToken);
    await t
      .http()
      .patch('/api/v1/me')
      .set(bearer(other.accessToken))
      .send({ password: 'another-new-password', currentPassword: other.password })
      .expect(200);
    expect((await t.http().get('/admin/queues').set('Cookie', cookie)).status).toBe(401);
  });

  it('exchanges a dashboard ticket once: a second exchange is refused, also when both race', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const { ticketPath } = await openDashboard(t.http, admin.accessToken);
    const second = await t.http().get(ticketPath);
    expect(second.status).toBe(401);
    expect(second.headers['set-cookie']).toBeUndefined();
    const link = await t.http().post('/api/v1/admin/queues/session').set(bearer(admin.accessToken));
    const url = new URL(link.body.url);
    const racing = await Promise.all(Array.from({ length: 5 }, () => t.http().get(`${url.pathname}${url.search}`)));
    expect(racing.map((r) => r.status).sort()).toEqual([303, 401, 401, 401, 401]);
  });

  it('refuses a dashboard ticket whose session ended before it was used', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const link = await t.http().post('/api/v1/admin/queues/session').set(bearer(admin.accessToken));
    await t.http().post('/api/v1/auth/logout').send({ refreshToken: admin.refreshToken }).expect(204);
    const url = new URL(link.body.url);
    expect((await t.http().get(`${url.pathname}${url.search}`)).status).toBe(401);
  });
});

describe('sessions end everywhere, across API processes (e2e)', () => {
  let t: TestApp;
  let a: Http;
  let b: Http;

  beforeAll(async () => {
    t = await startTestApp();
    a = t.http;
    b = (await t.startPeer()).http;
  });
  afterAll(() => t.close());

  it('a logout in one process refuses the access token in another at once, though it had the session cached', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const user = await createUser(t, admin.accessToken, { email: 'two.processes@test.local', role: 'student' });
    expect((await me(b, user.accessToken)).status).toBe(200);
    await a().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    expect(
      (
        await eventually(
          () => me(b, user.accessToken),
          (res) => res.status === 401,
        )
      ).status,
    ).toBe(401);
  });

  it('a refresh-token reuse in one process refuses the session’s access tokens in another at once', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const user = await createUser(t, admin.accessToken, { email: 'reuse.two@test.local', role: 'student' });
    const rotated = await a().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect((await me(b, rotated.body.accessToken)).status).toBe(200);
    await spentLongAgo(t, user.id);
    expect((await b().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect(
      (
        await eventually(
          () => me(a, rotated.body.accessToken),
          (res) => res.status === 401,
        )
      ).status,
    ).toBe(401);
  });

  it('a password change in one process refuses the access token in another at once', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const user = await createUser(t, admin.accessToken, { email: 'pass.two@test.local', role: 'student' });
    expect((await me(b, user.accessToken)).status).toBe(200);
    await a()
      .patch('/api/v1/me')
      .set(bearer(user.accessToken))
      .send({ password: 'changed-in-process-a', currentPassword: user.password })
      .expect(200);
    expect(
      (
        await eventually(
          () => me(b, user.accessToken),
          (res) => res.status === 401,
        )
      ).status,
    ).toBe(401);
  });

  it('a dashboard cookie opened in one process dies in another with a logout there, and its ticket works once across both', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const { ticketPath, cookie } = await openDashboard(a, admin.accessToken);
    expect((await b().get(ticketPath)).status).toBe(401);
    expect((await b().get('/admin/queues').set('Cookie', cookie)).status).toBe(200);
    await b().post('/api/v1/auth/logout').send({ refreshToken: admin.refreshToken }).expect(204);
    expect((await a().get('/admin/queues').set('Cookie', cookie)).status).toBe(401);
    expect((await b().get('/admin/queues').set('Cookie', cookie)).status).toBe(401);
  });
});
