import { mailDate } from '../src/modules/mail/mail-dates';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

describe('users and /me (e2e)', () => {
  let t: TestApp;
  let adminToken: string;
  let instructor: Awaited<ReturnType<typeof createUser>>;
  let student: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await startTestApp();
    await t.startWorker();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    instructor = await createUser(t, adminToken, { email: 'ines@test.local', role: 'instructor' });
    student = await createUser(t, adminToken, { email: 'sam@test.local', role: 'student' });
  });
  afterAll(() => t.close());

  const adminRoutes: Array<{ method: string; path: string; body?: object }> = [
    { method: 'post', path: '/api/v1/users', body: { email: 'x@test.local', name: 'X', role: 'student' } },
    { method: 'get', path: '/api/v1/users' },
    { method: 'get', path: '/api/v1/users/00000000-0000-4000-8000-000000000000' },
    { method: 'patch', path: '/api/v1/users/00000000-0000-4000-8000-000000000000', body: { name: 'Y' } },
    { method: 'delete', path: '/api/v1/users/00000000-0000-4000-8000-000000000000' },
    { method: 'get', path: '/api/v1/admin/audit' },
  ];

  it.each(adminRoutes)(
    'refuses $method $path to instructors and students (403) and anonymous callers (401)',
    async ({ method, path, body }) => {
      for (const token of [instructor.accessToken, student.accessToken]) {
        const res = await (t.http() as any)[method](path).set(bearer(token)).send(body);
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      }
      const anonymous = await (t.http() as any)[method](path).send(body);
      expect(anonymous.status).toBe(401);
    },
  );

  it('creates a user without a password and emails an invitation whose link sets the password once', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'New.Person@Test.local', name: 'New Person', role: 'student', timezone: 'Europe/Helsinki' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'new.person@test.local',
      role: 'student',
      timezone: 'Europe/Helsinki',
      hasPassword: false,
      isActive: true,
    });
    const [mail] = await t.mail.waitFor((m) => m.some((x) => x.to.includes('new.person@test.local')));
    expect(mail.subject).toMatch(/invited/i);
    expect(mail.html).toContain('set-password');
    const token = decodeURIComponent(/token=([^\s"&<]+)/.exec(mail.text)![1]);
    const { rows } = await t.db.query('SELECT token_hash, expires_at FROM password_tokens WHERE user_id = $1', [res.body.id]);
    expect(rows[0].token_hash).not.toContain(token.split('.')[1]);
    // The expiry in the invited person's zone (issue 18 item 5).
    expect(mail.text).toContain(`expires on ${mailDate(rows[0].expires_at, 'Europe/Helsinki', new Date())}.`);
    expect(mail.text).toMatch(/expires on \w+day \d{1,2} \w+( \d{4})?, \d{2}:\d{2} \(Europe\/Helsinki\)/);

    const before = await t.http().post('/api/v1/auth/login').send({ email: 'new.person@test.local', password: 'my-new-password' });
    expect(before.status).toBe(401);
    const set = await t.http().post('/api/v1/auth/set-password').send({ token, password: 'my-new-password' });
    expect(set.body).toMatchObject({ user: { hasPassword: true } });
    expect(set.status).toBe(200);
    expect(set.body.user.hasPassword).toBe(true);
    expect(set.body.accessToken).toEqual(expect.any(String));
    expect((await t.http().post('/api/v1/auth/login').send({ email: 'new.person@test.local', password: 'my-new-password' })).status).toBe(
      200,
    );
    const again = await t.http().post('/api/v1/auth/set-password').send({ token, password: 'another-password' });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('token');
  });

  describe('resending an invitation', () => {
    const resend = (id: string, token = adminToken) => t.http().post(`/api/v1/users/${id}/invitation`).set(bearer(token));
    const linkIn = (text: string) => decodeURIComponent(/token=([^\s"&<]+)/.exec(text)![1]);

    it('issues a fresh link (the old one stops working), at most once a minute, and refuses once a password is set', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(bearer(adminToken))
        .send({ email: 'resend-late@test.local', name: 'Late', role: 'student' });
      const id = created.body.id as string;
      const [first] = await t.mail.waitFor((m) => m.some((x) => x.to.includes('resend-late@test.local')));
      const oldToken = linkIn(first.text);

      // The invitation just went out: a second one within the minute → 429 with Retry-After.
      const tooSoon = await resend(id);
      expect(tooSoon.status).toBe(429);
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(60);

      await t.db.query("UPDATE password_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1", [id]);
      const res = await resend(id);
      expect(res.status).toBe(202);
      const mails = await t.mail.waitFor((m) => m.filter((x) => x.to.includes('resend-late@test.local')).length === 2);
      const second = mails.filter((x) => x.to.includes('resend-late@test.local'))[1];
      expect(second.subject).toMatch(/invited/i);
      const newToken = linkIn(second.text);
      expect(newToken).not.toBe(oldToken);
      expect((await resend(id)).status).toBe(429);

      const stale = await t.http().post('/api/v1/auth/set-password').send({ token: oldToken, password: 'late-but-here-1' });
      expect(stale.status).toBe(400);
      const set = await t.http().post('/api/v1/auth/set-password').send({ token: newToken, password: 'late-but-here-1' });
      expect(set.status).toBe(200);

      await t.db.query("UPDATE password_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1", [id]);
      const hasPassword = await resend(id);
      expect(hasPassword.status).toBe(409);
      expect(hasPassword.headers['content-type']).toMatch(/problem\+json/);
      const audit = await t.db.query("SELECT actor_id FROM audit_log WHERE action = 'user.invitation_resent' AND entity_id = $1", [id]);
      expect(audit.rows).toHaveLength(1);
    });

    it('refuses deactivated users (409), unknown ids (404) and callers who are not admins (403, 401)', async () => {
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(bearer(adminToken))
        .send({ email: 'resend-gone@test.local', name: 'Gone', role: 'student' });
      await t.http().delete(`/api/v1/users/${created.body.id}`).set(bearer(adminToken)).expect(204);
      await t.db.query("UPDATE password_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1", [created.body.id]);
      expect((await resend(created.body.id)).status).toBe(409);
      expect((await resend('00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await resend(created.body.id, instructor.accessToken)).status).toBe(403);
      expect((await resend(created.body.id, student.accessToken)).status).toBe(403);
      expect((await t.http().post(`/api/v1/users/${created.body.id}/invitation`)).status).toBe(401);
    });
  });

  it('rejects a forged set-password token', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/set-password')
      .send({ token: '00000000-0000-4000-8000-000000000000.forgedforgedforged', password: 'my-new-password' });
    expect(res.status).toBe(400);
  });

  it('refuses a duplicate email with 409', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'SAM@test.local', name: 'Dup', role: 'student', password: 'long-enough-pass' });
    expect(res.status).toBe(409);
  });

  it('validates input: bad role, bad timezone, short password, unknown field', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'not-an-email', name: '', role: 'root', timezone: 'Mars/Olympus', password: 'short', isAdmin: true });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'role', 'timezone', 'password', 'isAdmin']));
  });

  it('lists users with filters and cursor pagination that neither skips nor repeats rows', async () => {
    for (let i = 0; i < 5; i++) await createUser(t, adminToken, { email: `page${i}@test.local`, role: 'student' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = false;
    do {
      const res: any = await t
        .http()
        .get('/api/v1/users')
        .query({ role: 'student', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(adminToken));
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((u: { email: string }) => u.email));
      cursor = res.body.nextCursor;
      if (!inserted) {
        inserted = true;
        await createUser(t, adminToken, { email: 'late@test.local', role: 'student' });
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const { rows } = await t.db.query("SELECT email FROM users WHERE role = 'student' ORDER BY created_at, id");
    expect(seen).toEqual(rows.map((r) => r.email));
    const q = await t.http().get('/api/v1/users').query({ q: 'PAGE3' }).set(bearer(adminToken));
    expect(q.body.data.map((u: { email: string }) => u.email)).toEqual(['page3@test.local']);
    expect((await t.http().get('/api/v1/users').query({ cursor: 'garbage' }).set(bearer(adminToken))).status).toBe(400);
    expect((await t.http().get('/api/v1/users').query({ limit: 500 }).set(bearer(adminToken))).status).toBe(400);
  });

  it('gets, updates and reactivates a user, auditing each change', async () => {
    const u = await createUser(t, adminToken, { email: 'promote@test.local', role: 'student' });
    const got = await t.http().get(`/api/v1/users/${u.id}`).set(bearer(adminToken));
    expect(got.body.role).toBe('student');
    const promoted = await t.http().patch(`/api/v1/users/${u.id}`).set(bearer(adminToken)).send({ role: 'instructor', name: 'Promoted' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'instructor', name: 'Promoted' });
    await t.http().delete(`/api/v1/users/${u.id}`).set(bearer(adminToken)).expect(204);
    const back = await t.http().patch(`/api/v1/users/${u.id}`).set(bearer(adminToken)).send({ isActive: true });
    expect(back.body.isActive).toBe(true);
    await login(t, u.email, u.password);
    const audit = await t.http().get('/api/v1/admin/audit').query({ entity: 'user', entityId: u.id }).set(bearer(adminToken));
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual([
      'user.reactivated',
      'user.deactivated',
      'user.role_changed',
      'user.created',
    ]);
    expect(audit.body.data[2].before.role).toBe('student');
    expect(audit.body.data[2].after.role).toBe('instructor');
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    expect((await t.http().get('/api/v1/users/00000000-0000-4000-8000-000000000000').set(bearer(adminToken))).status).toBe(404);
    expect((await t.http().get('/api/v1/users/not-a-uuid').set(bearer(adminToken))).status).toBe(400);
  });

  it('does not let an admin deactivate themselves', async () => {
    const me = await t.http().get('/api/v1/me').set(bearer(adminToken));
    expect((await t.http().delete(`/api/v1/users/${me.body.id}`).set(bearer(adminToken))).status).toBe(409);
  });

  it('lets a user change their name and timezone but not their role', async () => {
    const res = await t.http().patch('/api/v1/me').set(bearer(student.accessToken)).send({ name: 'Sam S.', timezone: 'America/Bogota' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Sam S.', timezone: 'America/Bogota', role: 'student' });
    const escalate = await t.http().patch('/api/v1/me').set(bearer(student.accessToken)).send({ role: 'admin' });
    expect(escalate.status).toBe(400);
    expect(escalate.body.errors[0].field).toBe('role');
  });

  it('changes the password only with the current password', async () => {
    const u = await createUser(t, adminToken, { email: 'pw@test.local', role: 'student' });
    const missing = await t.http().patch('/api/v1/me').set(bearer(u.accessToken)).send({ password: 'brand-new-password' });
    expect(missing.status).toBe(400);
    const wrong = await t
      .http()
      .patch('/api/v1/me')
      .set(bearer(u.accessToken))
      .send({ password: 'brand-new-password', currentPassword: 'nope-nope' });
    expect(wrong.status).toBe(400);
    const ok = await t
      .http()
      .patch('/api/v1/me')
      .set(bearer(u.accessToken))
      .send({ password: 'brand-new-password', currentPassword: u.password });
    expect(ok.status).toBe(200);
    await login(t, u.email, 'brand-new-password');
  });
});

describe('set-password link (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('opens the web app, which sets the password through the API; the server renders nothing from the token', async () => {
    const { accessToken } = await login(t, ADMIN.email, ADMIN.password);
    const created = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(accessToken))
      .send({ email: 'form@test.local', name: 'Form', role: 'student' });
    const { rows } = await t.db.query('SELECT id FROM password_tokens WHERE user_id = $1', [created.body.id]);
    const { InvitationService } = await import('../src/modules/users/invitation.service');
    const token = t.app.get(InvitationService).tokenFor(rows[0].id);
    const page = await t
      .http()
      .get('/set-password')
      .set('Accept', 'text/html')
      .query({ token: `${token}"><script>` });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.text).not.toContain('"><script>');
    // The old form post is gone: the page posts JSON to the API.
    expect((await t.http().post('/set-password').type('form').send({ token, password: 'from-the-browser' })).status).toBe(404);
    await t.http().post('/api/v1/auth/set-password').send({ token, password: 'from-the-browser' }).expect(200);
    await login(t, 'form@test.local', 'from-the-browser');
    expect((await t.http().post('/api/v1/auth/set-password').send({ token, password: 'from-the-browser' })).status).toBe(400);
  });
});
