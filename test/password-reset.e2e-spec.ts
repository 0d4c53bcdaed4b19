import { mailDate } from '../src/modules/mail/mail-dates';
import type { CaughtMail, TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

/** The set-password link of a reset email, and its token. */
function resetLink(mail: CaughtMail): { url: URL; token: string } {
  const match = /https:\/\/accord\.test\/set-password\?\S+/.exec(mail.text);
  expect(match).not.toBeNull();
  const url = new URL(match![0]);
  return { url, token: url.searchParams.get('token')! };
}

describe('forgot password (e2e)', () => {
  let t: TestApp;
  let adminToken: string;
  let ip = 0;
  /** Each request from its own address unless one is given, so only the per-email limit binds. */
  const requestReset = (email: string, from = `10.9.${Math.floor(++ip / 250)}.${ip % 250}`) =>
    t.http().post('/api/v1/auth/password-reset').set('X-Forwarded-For', from).send({ email });
  const mailsTo = (email: string) => t.mail.messages.filter((m) => m.to.includes(email));
  const waitForMails = (email: string, n: number) => t.mail.waitFor((all) => all.filter((m) => m.to.includes(email)).length >= n);

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: 'true',
      PASSWORD_RESET_MAX_PER_EMAIL: '3',
      PASSWORD_RESET_MAX_PER_IP: '6',
      PASSWORD_RESET_WINDOW_SECONDS: '3600',
      PASSWORD_RESET_TTL_MINUTES: '30',
    });
    await t.startWorker();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('answers 202 with the same body for an unknown email and a real one; only the real one gets a mail', async () => {
    const user = await createUser(t, adminToken, { email: 'forgetful@test.local', name: 'Forgetful Fran', role: 'student' });
    await t.http().patch('/api/v1/me').set(bearer(user.accessToken)).send({ timezone: 'America/Bogota' }).expect(200);
    const unknown = await requestReset('nobody.here@test.local');
    const known = await requestReset(user.email);
    for (const res of [unknown, known]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual({});
    }
    const [mail] = await waitForMails(user.email, 1).then(() => mailsTo(user.email));
    expect(mail.subject).toBe('Reset your Accord password');
    expect(mail.text).toContain('Hello Forgetful Fran');
    // The expiry in the recipient's zone (issue 18 item 5), its year only when not this year.
    expect(mail.text).toMatch(/expires on \w+day \d{1,2} \w+( \d{4})?, \d{2}:\d{2} \(America\/Bogota\)/);
    expect(mail.html).toContain('Choose a new password');
    const { url } = resetLink(mail);
    expect(url.pathname).toBe('/set-password');
    expect(url.searchParams.get('reset')).toBe('1');
    expect(mail.html).toContain(
      `href="${url
        .toString()
        .replace(/=/g, '&#x3D;')
        .replace(/&(?!#)/g, '&amp;')}"`,
    );
    expect(mailsTo('nobody.here@test.local')).toEqual([]);
    const { rows } = await t.db.query(
      `SELECT EXTRACT(EPOCH FROM t.expires_at - t.created_at)::float AS ttl, t.expires_at FROM password_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = $1`,
      [user.email],
    );
    expect(rows).toHaveLength(1);
    // expires_at comes from the app's clock, created_at from the database's: a few milliseconds apart.
    expect(Math.abs(rows[0].ttl - 30 * 60)).toBeLessThan(5);
    expect(mail.text).toContain(`expires on ${mailDate(rows[0].expires_at, 'America/Bogota', new Date())}.`);
  });

  it('signs in through the link, ends the other sessions, and the link works once', async () => {
    const user = await createUser(t, adminToken, { email: 'reset.once@test.local', role: 'instructor' });
    expect((await requestReset(user.email)).status).toBe(202);
    await waitForMails(user.email, 1);
    const { token } = resetLink(mailsTo(user.email)[0]);
    const set = await t.http().post('/api/v1/auth/set-password').send({ token, password: 'my-brand-new-password' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), user: { email: user.email } });
    expect((await t.http().get('/api/v1/me').set(bearer(set.body.accessToken))).status).toBe(200);
    // The sessions from before the reset are over; the old password no longer signs in, the new one does.
    expect((await t.http().get('/api/v1/me').set(bearer(user.accessToken))).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    const old = await t
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.8.0.1')
      .send({ email: user.email, password: user.password });
    expect(old.status).toBe(401);
    await login(t, user.email, 'my-brand-new-password');
    const again = await t.http().post('/api/v1/auth/set-password').send({ token, password: 'yet-another-password' });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([{ field: 'token', message: 'token is invalid, expired or already used' }]);
  });

  it('refuses an older link once a newer one was sent', async () => {
    const user = await createUser(t, adminToken, { email: 'reset.twice@test.local', role: 'student' });
    expect((await requestReset(user.email)).status).toBe(202);
    await waitForMails(user.email, 1);
    expect((await requestReset(user.email)).status).toBe(202);
    await waitForMails(user.email, 2);
    const [older, newer] = mailsTo(user.email).map((m) => resetLink(m).token);
    expect(older).not.toBe(newer);
    expect((await t.http().post('/api/v1/auth/set-password').send({ token: older, password: 'older-link-password' })).status).toBe(400);
    expect((await t.http().post('/api/v1/auth/set-password').send({ token: newer, password: 'newer-link-password' })).status).toBe(200);
  });

  it('ends an unused invitation link once a password is set through a reset link', async () => {
    const invited = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'invited.reset@test.local', name: 'Invited', role: 'student' });
    expect(invited.status).toBe(201);
    await waitForMails('invited.reset@test.local', 1); // the invitation
    const { token: invitation } = resetLink(mailsTo('invited.reset@test.local')[0]);
    expect((await requestReset('invited.reset@test.local')).status).toBe(202);
    await waitForMails('invited.reset@test.local', 2);
    const reset = mailsTo('invited.reset@test.local').find((m) => m.subject === 'Reset your Accord password')!;
    expect(reset).toBeDefined();
    // The reset replaced the invitation link; after using the reset link neither works again.
    expect((await t.http().post('/api/v1/auth/set-password').send({ token: invitation, password: 'from-the-invitation' })).status).toBe(
      400,
    );
    expect(
      (
        await t
          .http()
          .post('/api/v1/auth/set-password')
          .send({ token: resetLink(reset).token, password: 'from-the-reset-link' })
      ).status,
    ).toBe(200);
  });

  it('sends nothing for a deactivated account, with the same answer', async () => {
    const user = await createUser(t, adminToken, { email: 'gone.reset@test.local', role: 'student' });
    expect((await t.http().delete(`/api/v1/users/${user.id}`).set(bearer(adminToken))).status).toBe(204);
    const res = await requestReset(user.email);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    // A mail requested after it for a live account arrives; none for the deactivated one.
    const witness = await createUser(t, adminToken, { email: 'witness.reset@test.local', role: 'student' });
    expect((await requestReset(witness.email)).status).toBe(202);
    await waitForMails(witness.email, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(user.email)).toEqual([]);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM password_tokens WHERE user_id = $1', [user.id]);
    expect(rows[0].n).toBe(0);
  });

  it('throttles per email: past PASSWORD_RESET_MAX_PER_EMAIL, 429 with Retry-After, known or unknown email alike', async () => {
    for (const email of ['throttled@test.local', 'throttled.unknown@test.local']) {
      for (let i = 0; i < 3; i++) expect((await requestReset(email)).status).toBe(202);
      const res = await requestReset(email);
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(3600);
    }
  });

  it('throttles per address across emails (PASSWORD_RESET_MAX_PER_IP); other addresses go on', async () => {
    const from = '10.7.7.7';
    for (let i = 0; i < 6; i++) expect((await requestReset(`many${i}@test.local`, from)).status).toBe(202);
    const res = await requestReset('many-more@test.local', from);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toEqual(expect.any(String));
    // A refused request did not count against that email.
    expect((await requestReset('many-more@test.local', '10.7.7.8')).status).toBe(202);
  });

  it('rejects a missing or malformed email and unknown fields with 400', async () => {
    for (const body of [{}, { email: 'not-an-email' }, { email: 'a@test.local', extra: true }]) {
      const res = await t.http().post('/api/v1/auth/password-reset').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
