import { spawn, spawnSync } from 'child_process';
import { freePort } from './helpers/ports';
import { join } from 'path';
import { Client } from 'pg';
import { testEnv } from './helpers/env';
import { createTestDatabase, dropTestDatabase } from './helpers/database';

const root = join(__dirname, '..');
const node = process.execPath;
const baseEnv = () => ({
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none',
  REDIS_URL: testEnv().redisUrl,
  SMTP_URL: 'smtp://127.0.0.1:2525',
  JWT_SECRET: 'process-test-secret-0123456789-abcdef',
  LOG_PRETTY: 'false',
});

describe('processes (compiled entrypoints)', () => {
  it.each([
    ['JWT_SECRET', { JWT_SECRET: '' }, /JWT_SECRET: is required/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must use postgres or postgresql/],
    ['PORT', { PORT: 'eighty' }, /PORT: must be an integer/],
  ])('stops the API with exit code 1 and one line naming %s', (_name, override, expected) => {
    const result = spawnSync(node, [join(root, 'dist/src/main.js')], {
      env: { ...baseEnv(), ...override },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it('starts the worker, logs that it is ready, and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    try {
      const child = spawn(node, [join(root, 'dist/src/worker.js')], {
        env: { ...baseEnv(), DATABASE_URL: database.url, REDIS_PREFIX: `accord_test_worker_${process.pid}` },
      });
      let output = '';
      child.stdout.on('data', (c) => (output += String(c)));
      child.stderr.on('data', (c) => (output += String(c)));
      const deadline = Date.now() + 30_000;
      while (!output.includes('worker ready') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('worker ready');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await dropTestDatabase(database.name);
    }
  }, 60_000);
});

describe('graceful shutdown of the API', () => {
  it('finishes an in-flight import on SIGTERM, writes it whole, and exits 0', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const env = {
      ...baseEnv(),
      DATABASE_URL: database.url,
      REDIS_PREFIX: `accord_test_shutdown_${process.pid}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ADMIN_EMAIL: 'shutdown@test.local',
      ADMIN_PASSWORD: 'shutdown-password',
    };
    const child = spawn(node, [join(root, 'dist/src/main.js')], { env, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}/api/v1`;
    try {
      let up = false;
      for (let i = 0; i < 300 && !up; i++) {
        up = await fetch(`${base}/health/live`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up).toBe(true);
      const json = (res: Response) => res.json() as Promise<Record<string, string>>;
      const post = (path: string, token: string, body: string, type = 'application/json') =>
        fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
      const { accessToken } = await json(
        await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'shutdown@test.local', password: 'shutdown-password' }),
        }),
      );
      const { id: course } = await json(await post('/courses', accessToken, JSON.stringify({ title: 'Shutdown' })));
      const csv = ['email', ...Array.from({ length: 5000 }, (_, i) => `bye${i}@test.local`)].join('\n');
      const inFlight = post(`/courses/${course}/enrolments/bulk`, accessToken, csv, 'text/csv');
      await new Promise((r) => setTimeout(r, 150));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect((await json(res)).created).toBe(5000);
      expect(await exited).toBe(0);
      const db = new Client({ connectionString: database.url });
      await db.connect();
      const { rows } = await db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [course]);
      await db.end();
      expect(rows[0].n).toBe(5000);
    } finally {
      child.kill('SIGKILL');
      await dropTestDatabase(database.name);
    }
  }, 60_000);
});
