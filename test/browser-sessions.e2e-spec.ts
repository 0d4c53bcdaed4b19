import { createHmac } from 'crypto';
import { InvitationService } from '../src/modules/users/invitation.service';
import { UnsubscribeTokens } from '../src/modules/notifications/unsubscribe-tokens';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type Res = { status: number; headers: Record<string, unknown>; body: Record<string, unknown> };

/** The Set-Cookie values of an answer, by cookie name. */
function setCookies(res: Res): Record<string, string> {
  const list = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return Object.fromEntries(list.map((c) => [c.slice(0, c.indexOf('=')), c]));
}
const valueOf = (setCookie: string) => setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

describe('browser sessions: refresh token in a cookie, CSRF header (e2e)', () => {
  let t: TestApp;
  let adminToken: string;
  const maxAge = 30 * 86_400;
  const csrfOf = (refreshToken: string) => createHmac('sha256', t.config.auth.jwtSecret).update(`csrf:${refreshToken}`).digest('base64url');

  /** Signs in in cookie mode; answers the cookies' values and the body. */
  async function cookieLogin(email: string, password: string) {
    const res = await t.http().post('/api/v1/auth/login').set('X-Accord-Session', 'cookie').send({ email, password });
    expect(res.status).toBe(200);
    const cookies = setCookies(res);
    return {
      res,
      refresh: valueOf(cookies.accord_refresh),
      csrf: valueOf(cookies.accord_csrf),
      accessToken: res.body.accessToken as string,
    };
  }
  const refreshByCookie = (refresh: string, csrf?: string) => {
    const req = t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', `accord_refresh=${refresh}; accord_csrf=${csrf ?? ''}`);
    return csrf === undefined ? req : req.set('X-CSRF-Token', csrf);
  };
  const logoutByCookie = (refresh: string, csrf?: string) => {
    const req = t.http().post('/api/v1/auth/logout').set('Cookie', `accord_refresh=${refresh}`);
    return csrf === undefined ? req : req.set('X-CSRF-Token', csrf);
  };

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('signs in in cookie mode: no refresh token in the body, an HttpOnly refresh cookie on the auth routes and a readable CSRF cookie', async () => {
    const user = await createUser(t, adminToken, { email: 'cookie@test.local', role: 'student' });
    const { res, refresh, csrf } = await cookieLogin(user.email, user.password);
    expect(res.body).not.toHaveProperty('refreshToken');
    expect(res.body).toMatchObject({ accessToken: expect.any(String), expiresIn: 900, user: { email: user.email } });
    expect(res.headers['cache-control']).toBe('no-store');
    const cookies = setCookies(res);
    expect(cookies.accord_refresh).toBe(
      `accord_refresh=${refresh}; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=${maxAge}; Secure`,
    );
    expect(cookies.accord_csrf).toBe(`accord_csrf=${csrf}; Path=/; SameSite=Strict; Max-Age=${maxAge}; Secure`);
    expect(csrf).toBe(csrfOf(refresh));
    expect(refresh).toMatch(/^[0-9a-f-]{36}\.[\w-]{43}$/);
    expect(
      (
        await t
          .http()
          .get('/api/v1/me')
          .set(bearer(res.body.accessToken as string))
      ).status,
    ).toBe(200);
  });

  it('leaves body-token sign-in as it was: the refresh token in the body, no cookies', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: ADMIN.email, password: ADMIN.password });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(res.headers['set-cookie']).toBeUndefined();
    const refreshed = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: res.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).toEqual(expect.any(String));
    expect(refreshed.headers['set-cookie']).toBeUndefined();
  });

  it('refreshes by cookie with the CSRF header: both cookies rotate, the old refresh token is spent', async () => {
    const user = await createUser(t, adminToken, { email: 'rotate.cookie@test.local', role: 'student' });
    const first = await cookieLogin(user.email, user.password);
    const res = await refreshByCookie(first.refresh, first.csrf).send({});
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    const cookies = setCookies(res);
    const next = valueOf(cookies.accord_refresh);
    expect(next).not.toBe(first.refresh);
    expect(valueOf(cookies.accord_csrf)).toBe(csrfOf(next));
    expect(valueOf(cookies.accord_csrf)).not.toBe(first.csrf);
    expect(cookies.accord_refresh).toContain('; Path=/api/v1/auth; HttpOnly; SameSite=Strict;');
    expect(
      (
        await t
          .http()
          .get('/api/v1/me')
          .set(bearer(res.body.accessToken as string))
      ).status,
    ).toBe(200);
    // The new cookie works again, the spent one does not (a fresh spend: the race answer).
    expect((await refreshByCookie(next, csrfOf(next))).status).toBe(200);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND used_at IS NOT NULL', [
      user.id,
    ]);
    expect(rows[0].n).toBe(2);
  });

  it('refreshes by cookie with no body or {}, without X-Accord-Session', async () => {
    const user = await createUser(t, adminToken, { email: 'nobody.cookie@test.local', role: 'student' });
    const { refresh, csrf } = await cookieLogin(user.email, user.password);
    const res = await refreshByCookie(refresh, csrf); // no body, no content type
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    const next = valueOf(setCookies(res).accord_refresh);
    const again = await refreshByCookie(next, csrfOf(next)).send({});
    expect(again.status).toBe(200);
    expect(setCookies(again).accord_refresh).toBeDefined();
  });

  it('refuses a cookie refresh without the CSRF header or with a wrong one (403), and the session is untouched', async () => {
    const user = await createUser(t, adminToken, { email: 'csrf@test.local', role: 'student' });
    const { refresh, csrf } = await cookieLogin(user.email, user.password);
    const other = await cookieLogin(user.email, user.password);
    for (const res of [
      await refreshByCookie(refresh).send({}),
      await refreshByCookie(refresh, '').send({}),
      await refreshByCookie(refresh, `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`).send({}),
      await refreshByCookie(refresh, other.csrf).send({}), // the CSRF token of another session
    ]) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.title).toBe('CSRF check failed');
      expect(res.body.type).toMatch(/csrf-failed$/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND used_at IS NOT NULL', [
      user.id,
    ]);
    expect(rows[0].n).toBe(0);
    expect((await refreshByCookie(refresh, csrf)).status).toBe(200);
  });

  it('answers 401 to a refresh or logout with neither a body token nor a cookie', async () => {
    for (const path of ['/api/v1/auth/refresh', '/api/v1/auth/logout']) {
      for (const res of [
        await t.http().post(path).send({}),
        await t.http().post(path),
        await t.http().post(path).set('X-CSRF-Token', 'x'),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
  });

  it('still rejects unknown fields and a malformed body token', async () => {
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: 'short' })).status).toBe(400);
    const unknown = await t
      .http()
      .post('/api/v1/auth/refresh')
      .send({ token: 'x'.repeat(40) });
    expect(unknown.status).toBe(400);
    expect((await t.http().post('/api/v1/auth/logout').send({ nope: 1 })).status).toBe(400);
  });

  it('answers in cookie mode to a body-token refresh that asks for it', async () => {
    const { refreshToken } = await login(t, ADMIN.email, ADMIN.password);
    const res = await t.http().post('/api/v1/auth/refresh').set('X-Accord-Session', 'cookie').send({ refreshToken });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    expect(valueOf(setCookies(res).accord_csrf)).toBe(csrfOf(valueOf(setCookies(res).accord_refresh)));
  });

  it('logs out by cookie: CSRF required, both cookies cleared, the session ends; again is 204', async () => {
    const user = await createUser(t, adminToken, { email: 'bye.cookie@test.local', role: 'student' });
    const { refresh, csrf, accessToken } = await cookieLogin(user.email, user.password);
    const refused = await logoutByCookie(refresh).send({});
    expect(refused.status).toBe(403);
    expect(refused.body.title).toBe('CSRF check failed');
    expect((await t.http().get('/api/v1/me').set(bearer(accessToken))).status).toBe(200);

    const res = await logoutByCookie(refresh, csrf).send({});
    expect(res.status).toBe(204);
    const cookies = setCookies(res);
    expect(cookies.accord_refresh).toBe('accord_refresh=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
    expect(cookies.accord_csrf).toBe('accord_csrf=; Path=/; SameSite=Strict; Max-Age=0; Secure');
    expect((await t.http().get('/api/v1/me').set(bearer(accessToken))).status).toBe(401);
    expect((await refreshByCookie(refresh, csrf)).status).toBe(401);
    expect((await logoutByCookie(refresh, csrf)).status).toBe(204);
  });

  it('sets the cookies when a password is set in cookie mode', async () => {
    const invited = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'invited.cookie@test.local', name: 'Inv', role: 'student' });
    expect(invited.status).toBe(201);
    const { rows } = await t.db.query('SELECT id FROM password_tokens WHERE user_id = $1', [invited.body.id]);
    const token = t.app.get(InvitationService).tokenFor(rows[0].id);
    const res = await t
      .http()
      .post('/api/v1/auth/set-password')
      .set('X-Accord-Session', 'cookie')
      .send({ token, password: 'a-new-password-123' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    const refresh = valueOf(setCookies(res).accord_refresh);
    expect((await refreshByCookie(refresh, csrfOf(refresh))).status).toBe(200);
  });

  it('leaves Secure off when PUBLIC_URL is plain http', async () => {
    const peer = await t.startPeer({ PUBLIC_URL: 'http://localhost:3000' });
    const res = await peer
      .http()
      .post('/api/v1/auth/login')
      .set('X-Accord-Session', 'cookie')
      .send({ email: ADMIN.email, password: ADMIN.password });
    expect(res.status).toBe(200);
    const cookies = setCookies(res);
    expect(cookies.accord_refresh).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookies.accord_csrf).toMatch(/; SameSite=Strict; Max-Age=\d+$/);
  });
});

describe('unsubscribe JSON API for the web app (e2e)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('names what a link stops without changing anything, then stops it (idempotent), without signing in', async () => {
    const user = await createUser(t, adminToken, { email: 'unsub.api@test.local', role: 'student' });
    const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'overdue');
    const described = await t.http().get('/api/v1/notifications/unsubscribe').query({ token });
    expect(described.status).toBe(200);
    expect(described.body).toEqual({ kind: 'overdue', label: 'overdue reminders' });
    expect((await t.http().get('/api/v1/me/notification-preferences').set(bearer(user.accessToken))).body.overdue).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await t.http().post('/api/v1/notifications/unsubscribe').send({ token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'overdue', label: 'overdue reminders' });
    }
    const prefs = await t.http().get('/api/v1/me/notification-preferences').set(bearer(user.accessToken));
    expect(prefs.body).toMatchObject({ overdue: false, dueSoon: true, assignment: true });
  });

  it('answers 400 problem+json for a bad, missing or altered token, and for unknown fields', async () => {
    const user = await createUser(t, adminToken, { email: 'unsub.bad@test.local', role: 'student' });
    const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'inactivity');
    const altered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    for (const res of [
      await t.http().get('/api/v1/notifications/unsubscribe').query({ token: 'nonsense' }),
      await t.http().get('/api/v1/notifications/unsubscribe'),
      await t.http().get('/api/v1/notifications/unsubscribe').query({ token: altered }),
      await t.http().post('/api/v1/notifications/unsubscribe').send({ token: altered }),
      await t.http().post('/api/v1/notifications/unsubscribe').send({}),
      await t.http().post('/api/v1/notifications/unsubscribe').send({ token, extra: 1 }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await t.http().get('/api/v1/me/notification-preferences').set(bearer(user.accessToken))).body.inactivity).toBe(true);
  });

  it('serves the web app at the link, and keeps the one-click POST outside /api/v1 working', async () => {
    const user = await createUser(t, adminToken, { email: 'unsub.page@test.local', role: 'student' });
    const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'assignment');
    const page = await t.http().get('/unsubscribe').query({ token });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    const oneClick = await t.http().post(`/unsubscribe?token=${token}`).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(oneClick.text).toContain('Unsubscribed');
  });
});
