import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';

/** Issue 13 item 8: inputs that used to reach PostgreSQL or a service and come back as 500s. */
describe('malformed input never 500s (e2e)', () => {
  let t: TestApp;
  let token: string;
  let course: string;
  let moduleId: string;
  let material: string;

  const expectProblem = (
    res: { status: number; headers: Record<string, string>; body: { errors?: Array<{ field: string; message: string }> } },
    status: number,
    field?: string,
    message?: RegExp,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    if (field) expect(res.body.errors).toContainEqual({ field, message: expect.stringMatching(message ?? /./) });
  };

  beforeAll(async () => {
    t = await startTestApp();
    token = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    course = (await t.http().post('/api/v1/courses').set(bearer(token)).send({ title: 'Malformed' })).body.id;
    moduleId = (await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(token)).send({ title: 'M' })).body.id;
    material = (
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(token))
        .send({ title: 'V', kind: 'video', url: 'https://example.edu/v', durationSeconds: 60 })
    ).body.id;
  });
  afterAll(() => t.close());

  describe('NUL bytes and lone surrogates', () => {
    it('refuses them in query strings, naming the parameter', async () => {
      expectProblem(await t.http().get('/api/v1/users?q=%00').set(bearer(token)), 400, 'q', /NUL/);
      expectProblem(await t.http().get('/api/v1/materials?q=a%00b').set(bearer(token)), 400, 'q', /NUL/);
      expectProblem(await t.http().get(`/api/v1/courses/${course}/enrolments?q=%00`).set(bearer(token)), 400, 'q', /NUL/);
    });

    it('refuses them in JSON bodies on every kind of write, naming the field', async () => {
      expectProblem(await t.http().patch('/api/v1/me').set(bearer(token)).send({ name: 'a\u0000b' }), 400, 'name', /NUL/);
      expectProblem(await t.http().post('/api/v1/courses').set(bearer(token)).send({ title: 'x\u0000' }), 400, 'title', /NUL/);
      expectProblem(
        await t
          .http()
          .post('/api/v1/materials')
          .set(bearer(token))
          .send({ title: 'T', kind: 'article', url: 'https://e.org', tags: ['ok', 'b\u0000d'] }),
        400,
        'tags.1',
        /NUL/,
      );
      expectProblem(
        await t.http().post(`/api/v1/courses/${course}/cohorts`).set(bearer(token)).send({ name: '\u0000' }),
        400,
        'name',
        /NUL/,
      );
      const surrogate = await t
        .http()
        .patch('/api/v1/me')
        .set(bearer(token))
        .set('Content-Type', 'application/json')
        .send('{"name":"a\\ud800b"}');
      expectProblem(surrogate, 400, 'name', /surrogate/);
      expect((await t.db.query("SELECT count(*)::int AS n FROM users WHERE name LIKE 'a%b'")).rows[0].n).toBe(0);
    });

    it('refuses them in CSV cells, naming the row and column', async () => {
      const res = await t
        .http()
        .post(`/api/v1/courses/${course}/enrolments/bulk`)
        .set(bearer(token))
        .set('Content-Type', 'text/csv')
        .send('email,name\nok@nul.test,Ok\nnul@nul.test,Nu\u0000l\n');
      expectProblem(res, 400, 'name', /^Row 2 \(line 3\): name contains a NUL character/);
    });
  });

  describe('cursors', () => {
    it('refuses an out-of-range date, a forged cursor and a tampered issued one with 400; accepts what it issued', async () => {
      for (let i = 0; i < 3; i += 1) await createUser(t, token, { email: `page${i}@cursor.test`, role: 'student' });
      const first = await t.http().get('/api/v1/users?limit=2').set(bearer(token));
      const issued: string = first.body.nextCursor;
      expect(issued).toEqual(expect.any(String));
      expect((await t.http().get('/api/v1/users').query({ limit: 2, cursor: issued }).set(bearer(token))).status).toBe(200);

      const outOfRange = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', '6f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f'])).toString(
        'base64url',
      );
      const [payload, mac] = issued.split('.');
      const keys = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, string];
      const tampered = `${Buffer.from(JSON.stringify(['2000-01-01T00:00:00.000Z', keys[1]])).toString('base64url')}.${mac}`;
      for (const cursor of [outOfRange, `${outOfRange}.${mac}`, tampered, `${payload}.${mac.slice(0, -2)}AA`]) {
        for (const path of [
          '/api/v1/users',
          '/api/v1/courses',
          '/api/v1/materials',
          '/api/v1/admin/audit',
          `/api/v1/courses/${course}/enrolments`,
        ]) {
          expectProblem(await t.http().get(path).query({ cursor }).set(bearer(token)), 400, 'cursor');
        }
      }
    });
  });

  describe('repeated query parameters', () => {
    it('refuses a repeated parameter with 400 naming it, on pages and API routes alike', async () => {
      expectProblem(await t.http().post('/unsubscribe?token=x&token=y'), 400, 'token', /given once/);
      expectProblem(await t.http().get('/api/v1/notifications/unsubscribe?token=x&token=y'), 400, 'token');
      expectProblem(await t.http().get('/api/v1/users?role=student&role=admin').set(bearer(token)), 400, 'role');
      expectProblem(await t.http().get('/api/v1/materials?limit=1&limit=2').set(bearer(token)), 400, 'limit');
    });
  });

  describe('plain validation messages (issue 19 item 3)', () => {
    it('says a missing field is required, once, not every rule it then fails', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: 'someone@example.edu' });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'password', message: 'password is required' }]);
      const both = await t.http().post('/api/v1/auth/login').send({});
      expect(both.body.errors).toEqual([
        { field: 'email', message: 'email is required' },
        { field: 'password', message: 'password is required' },
      ]);
    });

    it('gives one message per field: the first rule it fails', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: 'not-an-email', password: 42 });
      expect(res.body.errors).toEqual([
        { field: 'email', message: 'email must be an email' },
        { field: 'password', message: 'password must be a string' },
      ]);
    });

    it('answers a bad path id with 400 naming the parameter', async () => {
      const res = await t.http().get('/api/v1/courses/not-a-uuid').set(bearer(token));
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      const member = await t.http().delete(`/api/v1/courses/${course}/instructors/nope`).set(bearer(token));
      expectProblem(member, 400);
      expect(member.body.errors).toEqual([{ field: 'userId', message: 'userId must be a UUID' }]);
    });
  });

  describe('omitted or misshapen nested objects', () => {
    const dueAt = new Date(Date.now() + 86_400_000).toISOString();

    it('names a missing or non-object target of an assignment', async () => {
      const url = `/api/v1/courses/${course}/assignments`;
      expectProblem(await t.http().post(url).set(bearer(token)).send({ moduleId, dueAt }), 400, 'target');
      expectProblem(
        await t
          .http()
          .post(url)
          .set(bearer(token))
          .send({ moduleId, dueAt, target: [{ type: 'course' }] }),
        400,
        'target',
        /object/,
      );
      expectProblem(await t.http().post(url).set(bearer(token)).send({ moduleId, dueAt, target: null }), 400, 'target');
      expectProblem(await t.http().post(url).set(bearer(token)).send({ moduleId, dueAt, target: {} }), 400, 'target.type');
    });

    it('names a missing or non-object completion of an item, and stores nothing', async () => {
      const url = `/api/v1/modules/${moduleId}/items`;
      expectProblem(await t.http().post(url).set(bearer(token)).send({ materialId: material }), 400, 'completion');
      expectProblem(
        await t
          .http()
          .post(url)
          .set(bearer(token))
          .send({ materialId: material, completion: [{ type: 'view' }] }),
        400,
        'completion',
        /object/,
      );
      const item = (
        await t
          .http()
          .post(url)
          .set(bearer(token))
          .send({ materialId: material, completion: { type: 'view' } })
      ).body.id;
      expectProblem(await t.http().patch(`/api/v1/items/${item}`).set(bearer(token)).send({ completion: [] }), 400, 'completion', /object/);
      expect((await t.db.query('SELECT count(*)::int AS n FROM items WHERE module_id = $1', [moduleId])).rows[0].n).toBe(1);
    });

    it('names a non-object reminder policy and quiet hours', async () => {
      expectProblem(
        await t.http().post('/api/v1/courses').set(bearer(token)).send({ title: 'P', reminderPolicy: [] }),
        400,
        'reminderPolicy',
        /object/,
      );
      const prefs = { welcome: true, assignment: true, dueSoon: true, overdue: true, inactivity: true };
      expectProblem(
        await t
          .http()
          .put('/api/v1/me/notification-preferences')
          .set(bearer(token))
          .send({ ...prefs, quietHours: [] }),
        400,
        'quietHours',
        /object/,
      );
    });
  });

  describe('text that is not UTF-8', () => {
    const latin1Csv = Buffer.from('email,name\nmueller@latin1.test,M\xfcller\n', 'latin1');
    const inject = (contentType: string, payload: Buffer) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/courses/${course}/enrolments/bulk`,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        payload,
      });

    it('reads a Latin-1 CSV sent with no charset as Windows-1252, and refuses it with a 400 that says so when labelled UTF-8', async () => {
      const unnamed = await inject('text/csv', Buffer.from('email,name\nperez@latin1.test,P\xe9rez\n', 'latin1'));
      expect(unnamed.statusCode).toBe(200);
      expect(JSON.parse(unnamed.body)).toMatchObject({ created: 1, failedCount: 0 });
      expect((await t.db.query("SELECT name FROM users WHERE email = 'perez@latin1.test'")).rows).toEqual([{ name: 'Pérez' }]);
      const res = await t
        .http()
        .post(`/api/v1/courses/${course}/enrolments/bulk`)
        .set(bearer(token))
        .set('Content-Type', 'text/csv; charset=utf-8')
        .send(latin1Csv as unknown as string);
      expectProblem(res, 400, 'body', /UTF-8/);
      expect(res.body.detail).toBe(
        'The request body is not valid UTF-8 (the Content-Type says charset=utf-8; name the charset the file is in, or leave it out)',
      );
    });

    it('reads a CSV whose Content-Type names its charset', async () => {
      const res = await inject('text/csv; charset=windows-1252', latin1Csv);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ created: 1, failedCount: 0 });
      expect((await t.db.query("SELECT name FROM users WHERE email = 'mueller@latin1.test'")).rows).toEqual([{ name: 'Müller' }]);
      expect((await inject('text/csv; charset=klingon', latin1Csv)).statusCode).toBe(415);
    });

    it('refuses JSON and form bodies that are not UTF-8', async () => {
      const json = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: Buffer.from('{"name":"M\xfcller"}', 'latin1'),
      });
      expect(json.statusCode).toBe(400);
      expect(JSON.parse(json.body).detail).toBe('The request body is not valid UTF-8');
      const form = await t.app.inject({
        method: 'POST',
        url: '/unsubscribe?token=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: Buffer.from('List-Unsubscribe=One-Click&name=M\xfcller', 'latin1'),
      });
      expect(form.statusCode).toBe(400);
    });
  });
});
