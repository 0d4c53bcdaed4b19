import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { join } from 'path';
import { createTestDatabase, dropTestDatabase } from '../helpers/database';
import { testEnv } from '../helpers/env';
import { freePort } from '../helpers/ports';

/** The compiled API as it runs in production, with its log output (stdout) captured. */
describe('access log of the real process (e2e)', () => {
  let child: ChildProcess;
  let database: { url: string; name: string };
  let base: string;
  let output = '';
  const prefix = `accord_test_log_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        DATABASE_URL: database.url,
        REDIS_URL: testEnv().redisUrl,
        REDIS_PREFIX: prefix,
        SMTP_URL: 'smtp://127.0.0.1:2525',
        JWT_SECRET: `log-test-secret-${randomBytes(16).toString('hex')}`,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    });
    child.stdout!.on('data', (chunk) => (output += String(chunk)));
    child.stderr!.on('data', (chunk) => (output += String(chunk)));
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if (
        await fetch(`${base}/api/v1/health/live`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the API did not start:\n${output}`);
  }, 60_000);

  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await dropTestDatabase(database.name);
    const redis = new Redis(testEnv().redisUrl);
    const keys = await redis.keys(`{${prefix}}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** The access-log lines written so far (JSON lines with a req). */
  const accessLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { req?: { method: string; url: string }; res?: { statusCode: number } })
      .filter((line) => line.req && line.res);

  async function waitForLogged(urls: string[]): Promise<string[]> {
    const deadline = Date.now() + 5_000;
    let logged: string[] = [];
    while (Date.now() < deadline) {
      logged = accessLines().map((l) => `${l.req!.method} ${l.req!.url}`);
      if (urls.every((u) => logged.includes(u))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return logged;
  }

  it('writes no token or ticket of any request to the log, and none into a problem body', async () => {
    const secret = (n: number) => `secret${n}-${randomBytes(12).toString('hex')}`;
    const s = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(secret);
    const token = `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`; // Accord's token shape
    const answers = [
      await fetch(`${base}/set-password?token=${s[0]}`),
      await fetch(`${base}/unsubscribe?token=${s[1]}&lang=en`, { method: 'POST' }),
      await fetch(`${base}/admin/queues?ticket=${s[2]}`),
      await fetch(`${base}/api/v1/me?access_token=${s[3]}`),
      await fetch(`${base}/api/v1/no-such-route?token=${s[4]}`),
      await fetch(`${base}/api/v1/me?%74oken=${s[5]}`),
      await fetch(`${base}/api/v1/materials?q=${token}`),
      await fetch(`${base}/api/v1/courses?x=${token}`, { headers: { Authorization: `Bearer ${s[6]}` } }),
      // A browser's refresh: the refresh token in a cookie, the CSRF token in a header.
      await fetch(`${base}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { Cookie: `accord_refresh=${s[7]}; accord_csrf=${s[8]}`, 'X-CSRF-Token': s[8] },
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 401, 404, 401, 401, 401, 403]);
    const bodies = await Promise.all(answers.map((a) => a.text()));
    const logged = await waitForLogged([
      'GET /set-password?token=[redacted]',
      'POST /unsubscribe?token=[redacted]&lang=en',
      'GET /api/v1/me?access_token=[redacted]',
      'GET /api/v1/no-such-route?token=[redacted]',
      'GET /api/v1/me?%74oken=[redacted]',
      'GET /api/v1/materials?q=[redacted]',
    ]);
    expect(logged).toEqual(
      expect.arrayContaining([
        'GET /set-password?token=[redacted]',
        'POST /unsubscribe?token=[redacted]&lang=en',
        'GET /api/v1/me?access_token=[redacted]',
        'GET /api/v1/no-such-route?token=[redacted]',
        'GET /api/v1/me?%74oken=[redacted]',
        'GET /api/v1/materials?q=[redacted]',
      ]),
    );
    for (const value of [...s, token]) {
      expect(output).not.toContain(value);
      expect(bodies.filter((b) => b.includes(value))).toEqual(
        bodies.filter((b) => b.includes(value) && b.includes('<input type="hidden"')),
      );
    }
    expect(JSON.parse(bodies[4]).detail).toBe('Cannot GET /api/v1/no-such-route');
  });

  it('leaves health probes out of the access log by route, not by the text of the URL', async () => {
    const marker = randomBytes(6).toString('hex');
    expect((await fetch(`${base}/api/v1/health/live?probe=${marker}`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/health/ready?probe=${marker}`)).status).toBeLessThan(600);
    const escapes = [
      `/api/v1/me?/health/&m=${marker}`,
      `/api/v1/materials?q=/health/&m=${marker}`,
      `/api/v1/nothing/health/live?m=${marker}`,
    ];
    expect(
      (await fetch(`${base}${escapes[0]}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"name":"x"}' }))
        .status,
    ).toBe(401);
    expect((await fetch(`${base}${escapes[1]}`)).status).toBe(401);
    expect((await fetch(`${base}${escapes[2]}`)).status).toBe(404);
    const logged = await waitForLogged([`PATCH ${escapes[0]}`, `GET ${escapes[1]}`, `GET ${escapes[2]}`]);
    expect(logged).toEqual(expect.arrayContaining([`PATCH ${escapes[0]}`, `GET ${escapes[1]}`, `GET ${escapes[2]}`]));
    expect(logged.filter((l) => l.includes(`probe=${marker}`))).toEqual([]);
  });

  it('serves the demo clip from the compiled build and logs each media request once, with its status', async () => {
    const marker = randomBytes(6).toString('hex');
    const range = await fetch(`${base}/media/accord-demo.webm?m=${marker}`, { headers: { Range: 'bytes=0-1023' } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(1024);
    expect((await fetch(`${base}/media/accord-demo.en.vtt?m=${marker}`)).status).toBe(200);
    expect((await fetch(`${base}/media/missing.webm?m=${marker}`)).status).toBe(404);
    const urls = [`/media/accord-demo.webm?m=${marker}`, `/media/accord-demo.en.vtt?m=${marker}`, `/media/missing.webm?m=${marker}`];
    await waitForLogged(urls.map((u) => `GET ${u}`));
    const lines = accessLines().filter((l) => l.req!.url.includes(marker));
    expect(lines.map((l) => [l.req!.url, l.res!.statusCode])).toEqual([
      [urls[0], 206],
      [urls[1], 200],
      [urls[2], 404],
    ]);
  });
});
