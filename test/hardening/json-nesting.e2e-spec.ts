import { request as httpRequest } from 'http';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, login, startTestApp } from '../helpers/app';

/** Issue 13 item 3: deep JSON is refused on the raw text, before anything recursive sees it; so are over-long arrays. */
describe('JSON nesting and array limits (e2e)', () => {
  let t: TestApp;
  let token: string;
  let course: string;

  const send = (method: 'post' | 'patch' | 'put', path: string, body: string, auth = true) => {
    const req = t.http()[method](path).set('Content-Type', 'application/json');
    return (auth ? req.set(bearer(token)) : req).send(body);
  };

  beforeAll(async () => {
    t = await startTestApp();
    token = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    course = (await t.http().post('/api/v1/courses').set(bearer(token)).send({ title: 'Nesting' })).body.id;
  });
  afterAll(() => t.close());

  const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
  const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const deepInField = (field: string) => `{"${field}":${deepObject}}`;

  it.each([
    ['post', '/api/v1/auth/login', false],
    ['patch', '/api/v1/me', true],
    ['post', '/api/v1/progress/events', true],
    ['post', '/api/v1/materials', true],
  ] as const)('refuses 10,000 levels on %s %s with 400 problem+json, arrays and objects alike', async (method, path, auth) => {
    for (const body of [deepArray, deepObject, deepInField('name')]) {
      const res = await send(method, path, body, auth);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        detail: 'The request body nests deeper than 32 levels',
        errors: [{ field: 'body', message: 'body must not nest deeper than 32 levels' }],
      });
    }
  });

  it('keeps answering other requests while 150 deep bodies arrive at once', async () => {
    const attacks = Array.from({ length: 150 }, () => send('patch', '/api/v1/me', deepObject));
    const me = await t.http().get('/api/v1/me').set(bearer(token));
    expect(me.status).toBe(200);
    expect((await Promise.all(attacks)).map((r) => r.status)).toEqual(Array(150).fill(400));
  });

  it('still takes bodies nested as deep as a route needs', async () => {
    const res = await send(
      'put',
      '/api/v1/me/notification-preferences',
      JSON.stringify({
        welcome: true,
        assignment: true,
        dueSoon: true,
        overdue: true,
        inactivity: true,
        quietHours: { start: '21:00', end: '07:00' },
      }),
    );
    expect(res.status).toBe(200);
  });

  it('answers 413 to an array of more than 10,000 elements in any body, and 400 (not seconds of CPU) to 10,000 distinct ids', async () => {
    const over = await send(
      'put',
      `/api/v1/courses/${course}/modules/order`,
      JSON.stringify({ moduleIds: Array.from({ length: 10_001 }, (_, i) => String(i)) }),
    );
    expect(over.status).toBe(413);
    expect(over.body.detail).toBe('An array in the request body has more than 10000 elements; split the request');
    const nested = await send('patch', '/api/v1/me', `{"name":"x","junk":[[${'0,'.repeat(10_000)}0]]}`);
    expect(nested.status).toBe(413);
    const ids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const distinct = await send('put', `/api/v1/courses/${course}/modules/order`, JSON.stringify({ moduleIds: ids }));
    expect(distinct.status).toBe(400);
    expect(distinct.body.errors).toEqual([{ field: 'moduleIds', message: 'moduleIds must contain no more than 1000 elements' }]);
  });

  it('still answers 413 to a body over the limit, announced or streamed without a Content-Length', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    expect((await send('patch', '/api/v1/me', big)).status).toBe(413);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'PATCH',
          path: '/api/v1/me',
          headers: { ...bearer(token), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => undefined); // the server may stop reading once the limit is passed
      for (let i = 0; i < 11; i += 1) req.write(big.slice(i * 100_000, (i + 1) * 100_000));
      req.end(big.slice(1_100_000));
      setTimeout(() => reject(new Error('no answer')), 10_000).unref();
    });
    expect(status).toBe(413);
  });
});
