import { decode, sign } from 'jsonwebtoken';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

describe('queue dashboard at /admin/queues (e2e)', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  it('refuses anonymous callers with 401 and non-admins with 403', async () => {
    const anonymous = await t.http().get('/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
    const instructor = await createUser(t, adminToken, { email: 'i@test.local', role: 'instructor' });
    expect((await t.http().get('/admin/queues').set(bearer(instructor.accessToken))).status).toBe(403);
    expect((await t.http().post('/api/v1/admin/queues/session').set(bearer(instructor.accessToken))).status).toBe(403);
    expect((await t.http().get('/admin/queues').set('Cookie', 'accord_queues=forged')).status).toBe(401);
  });

  it('opens for an admin through a one-time link that sets a dashboard cookie', async () => {
    const link = await t.http().post('/api/v1/admin/queues/session').set(bearer(adminToken));
    expect(link.status).toBe(200);
    expect(link.headers['cache-control']).toBe('no-store');
    expect(link.headers.pragma).toBe('no-cache');
    const url = new URL(link.body.url);
    const open = await t.http().get(`${url.pathname}${url.search}`);
    expect(open.status).toBe(303);
    expect(open.headers['cache-control']).toBe('no-store');
    const cookie = (open.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/accord_queues=.+; Path=\/admin\/queues; HttpOnly; SameSite=Strict/);
    const page = await t.http().get('/admin/queues').set('Cookie', cookie.split(';')[0]);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const queues = await t.http().get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]);
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain('mail');
  });

  it('accepts an admin bearer token directly, but not one without an expiry', async () => {
    expect((await t.http().get('/admin/queues').set(bearer(adminToken))).status).toBe(200);
    const { exp, ...claims } = decode(adminToken) as Record<string, unknown>;
    expect(exp).toEqual(expect.any(Number));
    const forever = sign(claims, t.config.auth.jwtSecret, { algorithm: 'HS256' });
    expect((await t.http().get('/admin/queues').set(bearer(forever))).status).toBe(401);
  });
});
