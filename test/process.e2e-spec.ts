import { spawn, spawnSync } from 'child_process';
import { join } from 'path';
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
    const result = spawnSync(node, [join(root, 'dist/src/main.js')], { env: { ...baseEnv(), ...override }, encoding: 'utf8', timeout: 20_000 });
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
      while (!output.includes('worker ready') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('worker ready');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await dropTestDatabase(database.name);
    }
  }, 60_000);
});
