import { join } from 'path';
import { readFileSync } from 'fs';
import type { TestApp } from './helpers/app';
import { bearer, ADMIN, login, METRICS_TOKEN, startTestApp } from './helpers/app';
import { setDatabaseReachable } from './helpers/database';

describe('HTTP conventions and operations (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://app.example.edu' });
  });
  afterAll(() => t.close());

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', instance: '/api/v1/auth/login' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers an oversized body with 413', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'a@b.c', password: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.status).toBe(413);
  });

  it('names an unknown body field in a 400 problem', async () => {
    const { accessToken } = await login(t, ADMIN.email, ADMIN.password);
    const res = await t.http().patch('/api/v1/me').set(bearer(accessToken)).send({ name: 'Ok', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'isAdmin' })]);
    expect(res.body.detail).toContain('isAdmin');
  });

  it('answers an unknown route with a 404 problem, never a stack trace', async () => {
    const res = await t.http().get('/api/v1/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers a wrong method on an existing path with 405 and Allow, not 404', async () => {
    const login405 = await t.http().delete('/api/v1/auth/login');
    expect(login405.status).toBe(405);
    expect(login405.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(login405.headers.allow).toBe('POST');
    expect(login405.body).toMatchObject({
      status: 405,
      title: 'Method Not Allowed',
      type: 'https://accord.dev/problems/method-not-allowed',
    });
    expect(login405.body.detail).toBe('/api/v1/auth/login does not answer DELETE; it answers POST');

    const courses = await t.http().put('/api/v1/courses?token=secret');
    expect(courses.status).toBe(405);
    expect(courses.headers.allow).toBe('GET, HEAD, POST');
    expect(courses.body.instance).toBe('/api/v1/courses');
    expect(courses.body.detail).not.toContain('secret');

    // A path with a parameter: the allowed methods are the pattern's.
    const course = await t.http().post('/api/v1/courses/00000000-0000-4000-8000-000000000000');
    expect(course.status).toBe(405);
    expect(course.headers.allow?.split(', ')).toEqual(expect.arrayContaining(['GET', 'HEAD', 'PATCH']));
    expect(course.headers.allow).not.toContain('POST');

    // An unknown path stays a 404, whatever the method.
    expect((await t.http().delete('/api/v1/no/such/route')).status).toBe(404);
    expect((await t.http().post('/api/v1/courses/x/nowhere')).status).toBe(404);
  });

  it('echoes a caller-supplied request id and generates one otherwise', async () => {
    const given = await t.http().get('/api/v1/health/live').set('X-Request-Id', 'trace-abc-123');
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    const generated = await t.http().get('/api/v1/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await t.http().get('/api/v1/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await t
      .http()
      .options('/api/v1/me')
      .set('Origin', 'https://app.example.edu')
      .set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.edu');
    const other = await t
      .http()
      .options('/api/v1/me')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI UI and JSON', async () => {
    const json = await t.http().get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.paths['/api/v1/auth/login']).toBeDefined();
    // The served document is the committed openapi.json that `npm run lint:api` holds to 0 Spectral errors.
    expect(json.body).toEqual(JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')));
    const ui = await t.http().get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics with an HTTP latency histogram by route', async () => {
    await t.http().get('/api/v1/health/live');
    const res = await t.http().get('/api/v1/metrics').set(bearer(METRICS_TOKEN));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/accord_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/health\/live"/);
  });

  it('reports readiness 503 while the database is unreachable and 200 again once it returns', async () => {
    const { accessToken: token } = await login(t, ADMIN.email, ADMIN.password);
    expect((await t.http().get('/api/v1/health/ready')).status).toBe(200);
    await setDatabaseReachable(t.database.name, false);
    try {
      const down = await t.http().get('/api/v1/health/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'unavailable', checks: { database: 'down', redis: 'up' } });
      // A write while the database is away is refused cleanly: 503 problem+json, no internals.
      const write = await t.http().patch('/api/v1/me').set(bearer(token)).send({ name: 'During outage' });
      expect(write.status).toBe(503);
      expect(write.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(write.body)).not.toMatch(/terminat|postgres|SELECT|at .*\.js/i);
    } finally {
      await setDatabaseReachable(t.database.name, true);
    }
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await t.http().get('/api/v1/health/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await t.http().get('/api/v1/health/live')).status).toBe(200);
    // Without restarting the API, writes work again.
    const after = await t.http().patch('/api/v1/me').set(bearer(token)).send({ name: 'After outage' });
    expect(after.status).toBe(200);
  });
});
