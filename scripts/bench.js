#!/usr/bin/env node
'use strict';
// `npm run bench:<name>`: installs if needed, finds PostgreSQL and Redis like `npm test`, compiles, runs bench/<name>.ts.
const { ensureInstalled, root } = require('./lib/install');

ensureInstalled();

const { spawn, spawnSync } = require('child_process');
const path = require('path');

async function main() {
  const name = process.argv[2];
  if (!name) throw new Error('usage: node scripts/bench.js <bench-name>');
  const services = require('./lib/services');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const pg = await services.findPostgres();
  const redis = await services.findRedis();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=4096', path.join(root, 'dist', 'bench', `${name}.js`)], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, BENCH_PG_SERVER: pg.source === 'env' ? pg.url : pg.server, REDIS_URL: redis.url },
    });
    child.on('exit', (status) => resolve(status ?? 1));
  });
  await services.cleanup();
  process.exit(code);
}

main().catch(async (error) => {
  console.error(`✖ ${error && error.message}`);
  await require('./lib/services').cleanup();
  process.exit(1);
});
