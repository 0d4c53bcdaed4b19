import { spawn } from 'child_process';
import { freePort } from '../helpers/ports';
import { connect } from 'net';
import { join } from 'path';
import type request from 'supertest';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';

describe('abuse limits (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '8', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '6', REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(() => t.close());

  it('limits each user, with RateLimit headers and 429 + Retry-After past the limit; signing in again buys no fresh budget', async () => {
    const admin = await login(t, ADMIN.email, ADMIN.password);
    const student = await createUser(t, admin.accessToken, { email: 'budget@test.local', role: 'student' });
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 10; i++) {
      last = await t.http().get('/api/v1/me').set(bearer(student.accessToken));
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers['ratelimit-limit']).toBe('8');
        expect(last.headers['ratelimit-remaining']).toBe('7');
        expect(Number(last.headers['ratelimit-reset'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['content-type']).toMatch(/problem\+json/);
    // A fresh sign-in of the same user shares the spent budget; another user has their own.
    const again = await login(t, student.email, student.password);
    expect(again.accessToken).not.toBe(student.accessToken);
    expect((await t.http().get('/api/v1/me').set(bearer(again.accessToken))).status).toBe(429);
    expect((await t.http().get('/api/v1/me').set(bearer(admin.accessToken))).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await t.http().get('/api/v1/health/live')).status).toBe(200);
  });

  it('does not give a made-up bearer token a fresh budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (
          await t
            .http()
            .get('/api/v1/materials')
            .set(bearer(`made-up-token-${i}`))
        ).status,
      );
    expect(statuses).toContain(429);
  });

  it('limits anonymous callers per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.http().get('/api/v1/materials')).status);
    // The login calls above used this address's anonymous budget too; what matters is the 429 past it.
    expect(statuses).toContain(429);
    expect(statuses.slice(statuses.indexOf(429)).every((s) => s === 429)).toBe(true);
  });

  it('exempts only the health routes by the route matched: an unknown path under /health/ counts like any anonymous request', async () => {
    const prefix = `${t.env.REDIS_PREFIX}_health_limit`;
    const limited = await t.startPeer({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3', REDIS_PREFIX: prefix });
    try {
      for (let i = 0; i < 5; i++) expect((await limited.http().get('/api/v1/health/live')).status).toBe(200);
      const statuses: number[] = [];
      for (const path of ['/api/v1/health/nonexistent', '/api/v1/health/live/x', '/api/v1/health/', '/api/v1/health/nonexistent']) {
        statuses.push((await limited.http().get(path)).status);
      }
      expect(statuses).toEqual([404, 404, 404, 429]);
      // The probes still answer while this address is limited.
      expect((await limited.http().get('/api/v1/health/live')).status).toBe(200);
      expect((await limited.http().get('/api/v1/health/ready')).status).toBe(200);
    } finally {
      const keys = await t.redis.keys(`{${prefix}}:*`);
      if (keys.length) await t.redis.del(...keys);
    }
  });

  it('cuts off a request that never finishes arriving (compiled API, REQUEST_TIMEOUT_MS=1000)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...t.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        REQUEST_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'silent',
        LOG_PRETTY: 'false',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
        REDIS_PREFIX: `${t.env.REDIS_PREFIX}:slow`,
      },
      stdio: 'ignore',
    });
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`http://127.0.0.1:${port}/api/v1/health/live`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em'),
        );
        let data = '';
        socket.on('data', (chunk) => (data += String(chunk)));
        const giveUp = setTimeout(() => socket.destroy(), 10_000);
        socket.on('close', () => {
          clearTimeout(giveUp);
          resolve(data);
        });
      });
      // The idle, half-sent request is dropped (or answered 408) within seconds, not held open.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
