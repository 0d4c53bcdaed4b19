#!/usr/bin/env node
'use strict';
// `npm test`: installs if needed, runs the static checks (ESLint, Prettier; a finding fails the run before
// anything else), finds or provides PostgreSQL and Redis like `npm start`, builds a migrated template
// database, builds the web app, installs chromium when missing (apt), then runs the Jest unit, service
// and e2e projects (the e2e project includes the browser journeys in test/web). Extra arguments go to Jest.
const { ensureInstalled, ensureChromium, build, root } = require('./lib/install');

ensureInstalled();

// SKIP_LINT=1 leaves the static checks out (for quick runs of a few suites while working; CI never sets it).
if (process.env.SKIP_LINT !== '1' && !require('./lib/lint').lint()) {
  console.error('✖ npm test stopped before the tests: fix the lint findings above first (`npm run lint:fix` fixes most).');
  process.exit(1);
}

const { spawn } = require('child_process');
const path = require('path');

async function main() {
  const services = require('./lib/services');
  const { log, findPostgres, findRedis, findRedisBinaries, withDatabase, cleanup } = services;
  build();
  // The browser journeys (test/web) need a real browser; a machine without one fails here, it never skips them.
  const chromium = ensureChromium();
  if (!chromium.path) throw new Error(`the browser tests need chromium: ${chromium.reason}`);
  const pg = await findPostgres();
  const redis = await findRedis();
  const redisBinaries = findRedisBinaries();
  const server = pg.source === 'env' ? pg.url : pg.server;
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  const template = `accord_tpl_${runId}`;

  const { Client } = require('pg');
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  let code = 1;
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
    await require('./lib/migrate').migrate(withDatabase(server, template), { quiet: true });
    log(`template database ${template} migrated`);
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const args = [jest, '--maxWorkers=2', ...process.argv.slice(2)];
    if (process.env.CI) args.push('--ci');
    code = await new Promise((resolve) => {
      const child = spawn(process.execPath, args, {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          CHROMIUM_PATH: chromium.path,
          TEST_PG_SERVER: server,
          TEST_DB_TEMPLATE: template,
          TEST_RUN_ID: runId,
          REDIS_URL: redis.url,
          ACCORD_REDIS_SERVER: redisBinaries.server,
          ACCORD_REDIS_CLI: redisBinaries.cli,
        },
      });
      const forward = (signal) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    });
  } finally {
    const leftovers = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [
      `accord_test_${runId}%`,
      template,
    ]);
    for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await cleanup();
  }
  process.exit(code);
}

main().catch(async (error) => {
  console.error(`✖ npm test could not run: ${error && error.stack ? error.stack : error}`);
  await require('./lib/services').cleanup();
  process.exit(1);
});
