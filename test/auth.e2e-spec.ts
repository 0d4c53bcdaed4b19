import { decode, sign } from 'jsonwebtoken';
import { InvitationService } from '../src/modules/users/invitation.service';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import { spentLongAgo } from './helpers/sessions';

describe('auth (e2e)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_SECONDS: '60',
      LOGIN_ACCOUNT_MAX_FAILURES: '12',
      LOGIN_ACCOUNT_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'true',
    });
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('bootstraps the ADMIN_EMAIL admin once, and it can sign in', async () => {
    const { rows } = await t.db.query('SELECT role, password_hash FROM users WHERE email = $1', [ADMIN.email]);
    expect(rows).toHaveLength(1);
    expect(rows[0].role).toBe('admin');
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    const me = await t.http().get('/api/v1/me').set(bearer(adminToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('answers a wrong password and an unknown user with the same 401 problem', async () => {
    const wrong = await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.1.0.1')
      .send({ email: ADMIN.email, password: 'not-the-password' });
    const unknown = await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.1.0.2')
      .send({ email: 'nobody@test.local', password: 'not-the-password' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.type).toBe(unknown.body.type);
    expect(wrong.body.requestId).toEqual(expect.any(String));
  });

  it('refuses an expired access token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const me = await t.http().get('/api/v1/me').set(bearer(adminToken));
    const token = sign({ sub: me.body.id, tv: 0, iat: past - 900, exp: past }, t.config.auth.jwtSecret, {
      algorithm: 'HS256',
      issuer: 'accord',
    });
    const res = await t.http().get('/api/v1/me').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/expired/);
  });

  it('refuses an access token without an expiry, though everything else about it is genuine', async () => {
    const { accessToken } = await login(t, ADMIN.email, ADMIN.password);
    const { exp, iat, ...claims } = decode(accessToken) as Record<string, unknown>;
    expect(exp).toEqual(expect.any(Number));
    const forever = sign({ ...claims, iat }, t.config.auth.jwtSecret, { algorithm: 'HS256' });
    expect((decode(forever) as Record<string, unknown>).exp).toBeUndefined();
    const res = await t.http().get('/api/v1/me').set(bearer(forever));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.http().get('/api/v1/me').set(bearer(accessToken))).status).toBe(200);
  });

  it('marks every answer that carries tokens as not to be stored (login, refresh, set-password)', async () => {
    const noStore = (res: { status: number; headers: Record<string, string> }) => {
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    };
    const signIn = await t.http().post('/api/v1/auth/login').send({ email: ADMIN.email, password: ADMIN.password });
    noStore(signIn);
    noStore(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: signIn.body.refreshToken }));
    const invited = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'nostore@test.local', name: 'No Store', role: 'student' });
    expect(invited.status).toBe(201);
    const { rows } = await t.db.query('SELECT id FROM password_tokens WHERE user_id = $1', [invited.body.id]);
    const token = t.app.get(InvitationService).tokenFor(rows[0].id);
    noStore(await t.http().post('/api/v1/auth/set-password').send({ token, password: 'a-new-password-123' }));
  });

  it('refuses a token signed with another secret', async () => {
    const token = sign({ sub: '00000000-0000-0000-0000-000000000000', tv: 0 }, 'some-other-secret-of-enough-length-0000', {
      algorithm: 'HS256',
      issuer: 'accord',
    });
    expect((await t.http().get('/api/v1/me').set(bearer(token))).status).toBe(401);
  });

  it('rotates refresh tokens and stores only their hashes', async () => {
    const user = await createUser(t, adminToken, { email: 'rotate@test.local', role: 'student' });
    const res = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect(res.body.expiresIn).toBe(900);
    const { rows } = await t.db.query('SELECT token_hash FROM refresh_tokens WHERE user_id = $1', [user.id]);
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row.token_hash).not.toContain(user.refreshToken.split('.')[1]);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('revokes the whole family when a spent refresh token comes back after the race grace', async () => {
    const user = await createUser(t, adminToken, { email: 'reuse@test.local', role: 'student' });
    const first = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    await spentLongAgo(t, user.id);
    const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.detail).toMatch(/revoked/);
    // The token issued in between belongs to the same family and is dead too.
    const next = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken });
    expect(next.status).toBe(401);
  });

  it('spends a refresh token once when two refreshes race, and the winner stays signed in', async () => {
    const user = await createUser(t, adminToken, { email: 'race@test.local', role: 'student' });
    for (let round = 0; round < 5; round++) {
      const session = await login(t, user.email, user.password);
      const results = await Promise.all([
        t.http().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
        t.http().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = results.find((r) => r.status === 200)!.body;
      const loser = results.find((r) => r.status === 401)!;
      expect(loser.headers['content-type']).toMatch(/problem\+json/);
      expect(loser.body.detail).toMatch(/just used/);
      // The loser lost the race, not the session: the winner's access and refresh tokens work.
      expect((await t.http().get('/api/v1/me').set(bearer(winner.accessToken))).status).toBe(200);
      const next = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: winner.refreshToken });
      expect(next.status).toBe(200);
      expect((await t.http().get('/api/v1/me').set(bearer(next.body.accessToken))).status).toBe(200);
    }
    const { rows } = await t.db.query('SELECT count(*)::int AS revoked FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NOT NULL', [
      user.id,
    ]);
    expect(rows[0].revoked).toBe(0);
  });

  it('answers a refresh retried within the grace with 401 and keeps the session; the same token later still revokes it', async () => {
    const user = await createUser(t, adminToken, { email: 'retry@test.local', role: 'student' });
    const first = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(first.status).toBe(200);
    const retry = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(retry.status).toBe(401);
    expect(retry.body.detail).toMatch(/just used/);
    expect((await t.http().get('/api/v1/me').set(bearer(first.body.accessToken))).status).toBe(200);
    // Past the grace the same token is a copy coming back: the session ends, the tokens given out in between too.
    await spentLongAgo(t, user.id);
    const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.detail).toMatch(/revoked/);
    expect((await t.http().get('/api/v1/me').set(bearer(first.body.accessToken))).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken })).status).toBe(401);
  });

  it('logs out: the refresh token stops working', async () => {
    const user = await createUser(t, adminToken, { email: 'logout@test.local', role: 'instructor' });
    expect((await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken })).status).toBe(204);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/logout').send({ refreshToken: user.refreshToken })).status).toBe(204);
  });

  it('deactivation stops existing tokens at once and refuses sign-in', async () => {
    const user = await createUser(t, adminToken, { email: 'leaver@test.local', role: 'student' });
    expect((await t.http().get('/api/v1/me').set(bearer(user.accessToken))).status).toBe(200);
    expect((await t.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminToken))).status).toBe(204);
    expect((await t.http().get('/api/v1/me').set(bearer(user.accessToken))).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    const again = await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.2.0.1')
      .send({ email: user.email, password: user.password });
    expect(again.status).toBe(401);
    const audit = await t.db.query('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY created_at', [user.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['user.created', 'user.deactivated']);
  });

  const attempt = (ip: string, email: string, password: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('does not let a guesser lock the owner out: wrong passwords from one address, the right one from another signs in', async () => {
    const user = await createUser(t, adminToken, { email: 'target@test.local', role: 'student' });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt('10.3.0.1', user.email, 'guess-guess')).status);
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
    // The owner, elsewhere: the guesser's refused attempts did not use up the account's budget.
    expect((await attempt('10.3.1.1', user.email, user.password)).status).toBe(200);
    // The guesser's address stays throttled for this account, even with the right password.
    const blocked = await attempt('10.3.0.1', user.email, user.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.headers['content-type']).toMatch(/problem\+json/);
  });

  it('counts a parallel burst of guesses from one address: at most 5 are checked, the rest get 429', async () => {
    const user = await createUser(t, adminToken, { email: 'burst@test.local', role: 'student' });
    const results = await Promise.all(Array.from({ length: 15 }, () => attempt('10.5.0.1', user.email, 'guess-guess')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(10);
  });

  it('limits guessing spread over many addresses by the account budget, parallel bursts included; the owner still signs in from a known address', async () => {
    const user = await createUser(t, adminToken, { email: 'spread@test.local', role: 'student' });
    expect((await attempt('10.6.9.9', user.email, user.password)).status).toBe(200); // the owner's usual address
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`10.6.0.${i}`, user.email, 'guess-guess')));
    const statuses = results.map((r) => r.status);
    // LOGIN_ACCOUNT_MAX_FAILURES is 12 here: no more are checked, however many addresses join in.
    expect(statuses.filter((s) => s === 401).length).toBe(12);
    expect(statuses.filter((s) => s === 429).length).toBe(18);
    expect((await attempt('10.6.1.1', user.email, 'guess-guess')).status).toBe(429);
    expect((await attempt('10.6.1.2', user.email, user.password)).status).toBe(429);
    expect((await attempt('10.6.9.9', user.email, user.password)).status).toBe(200);
    // A known address is exempt from the account budget only: its own limit still applies.
    const fromKnown: number[] = [];
    for (let i = 0; i < 6; i++) fromKnown.push((await attempt('10.6.9.9', user.email, 'guess-guess')).status);
    expect(fromKnown).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('forgets an address’s typos for that account once it signs in there', async () => {
    const user = await createUser(t, adminToken, { email: 'typos@test.local', role: 'student' });
    for (let i = 0; i < 4; i++) expect((await attempt('10.7.0.1', user.email, 'typo-typo')).status).toBe(401);
    expect((await attempt('10.7.0.1', user.email, user.password)).status).toBe(200);
    const after: number[] = [];
    for (let i = 0; i < 6; i++) after.push((await attempt('10.7.0.1', user.email, 'typo-typo')).status);
    expect(after).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('throttles current-password guesses on PATCH /me like sign-in: counted per account and address, 429 with Retry-After, a success clears', async () => {
    const user = await createUser(t, adminToken, { email: 'me-guess@test.local', role: 'student' });
    const change = (ip: string, accessToken: string, currentPassword: string, password = 'a-new-password-456') =>
      t.http().patch('/api/v1/me').set('X-Forwarded-For', ip).set(bearer(accessToken)).send({ password, currentPassword });
    for (let i = 0; i < 4; i++) expect((await change('10.8.0.1', user.accessToken, 'guess-guess')).status).toBe(400);
    // The owner gets it right: that clears the address’s count for this account.
    expect((await change('10.8.0.1', user.accessToken, user.password)).status).toBe(200);
    const again = (await attempt('10.8.1.1', user.email, 'a-new-password-456')).body.accessToken as string;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await change('10.8.0.1', again, 'guess-guess', 'yet-another-password')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
    const blocked = await change('10.8.0.1', again, 'a-new-password-456', 'yet-another-password');
    expect(blocked.status).toBe(429); // counted before the password is checked: the right one is refused too
    expect(blocked.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The same counters as sign-in: that address cannot sign in to this account either; the owner elsewhere can change it.
    expect((await attempt('10.8.0.1', user.email, 'a-new-password-456')).status).toBe(429);
    expect((await change('10.8.2.1', again, 'a-new-password-456', 'yet-another-password')).status).toBe(200);
  });

  it('counts a parallel burst of current-password guesses on PATCH /me: at most 5 are checked', async () => {
    const user = await createUser(t, adminToken, { email: 'me-burst@test.local', role: 'student' });
    const results = await Promise.all(
      Array.from({ length: 15 }, () =>
        t
          .http()
          .patch('/api/v1/me')
          .set('X-Forwarded-For', '10.9.0.1')
          .set(bearer(user.accessToken))
          .send({ password: 'a-new-password-456', currentPassword: 'guess-guess' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 400).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(10);
  });

  it('does not bring old sessions back when a deactivated user is reactivated', async () => {
    const user = await createUser(t, adminToken, { email: 'comeback@test.local', role: 'student' });
    await t.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminToken)).expect(204);
    await t.http().patch(`/api/v1/users/${user.id}`).set(bearer(adminToken)).send({ isActive: true }).expect(200);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await t.http().get('/api/v1/me').set(bearer(user.accessToken))).status).toBe(401);
  });

  it('throttles an address that tries many accounts', async () => {
    const ip = '10.4.0.1';
    for (let i = 0; i < 20; i++) {
      await t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: `spray${i}@test.local`, password: 'guess-guess' });
    }
    const res = await t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email: ADMIN.email, password: ADMIN.password });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('rejects unknown login fields and missing credentials with 400 naming the field', async () => {
    const extra = await t.http().post('/api/v1/auth/login').send({ email: ADMIN.email, password: 'x', role: 'admin' });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'role' })]));
    const missing = await t.http().post('/api/v1/auth/login').send({ email: ADMIN.email });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
  });
});
