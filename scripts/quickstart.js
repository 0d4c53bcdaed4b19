#!/usr/bin/env node
'use strict';
// `npm start`: the whole quickstart. Installs, finds or provides PostgreSQL, Redis and a mail catcher,
// migrates, seeds, starts the API and the worker, prints the URLs; Ctrl-C stops everything it started.
const { ensureInstalled, build, root } = require('./lib/install');

ensureInstalled();

const { spawn } = require('child_process');
const path = require('path');

async function main() {
  const services = require('./lib/services');
  const { log, findPostgres, findRedis, withDatabase, createDatabaseIfMissing, devSecret, cleanup, freePort, portOpen } = services;
  build();

  let shuttingDown = false;
  const children = [];
  const shutdown = async (code) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('shutting down…');
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 8000).unref();
          }),
      ),
    );
    await cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const pg = await findPostgres();
  const redis = await findRedis();
  let smtpUrl = process.env.SMTP_URL;
  let mailWeb = null;
  if (smtpUrl) {
    log('SMTP: using SMTP_URL');
  } else {
    const { startMailCatcher } = require('./lib/mail-catcher');
    const catcher = await startMailCatcher({
      smtpPort: await freePort(1025),
      webPort: await freePort(1080),
      dir: path.join(services.stateDir, 'mail'),
      limit: 500,
    });
    services.cleanups.push(() => catcher.close());
    smtpUrl = catcher.smtpUrl;
    mailWeb = catcher.webUrl;
    log(`SMTP: in-process mail catcher at ${smtpUrl}`);
  }

  const databaseUrl = pg.source === 'env' ? pg.url : withDatabase(pg.server, 'accord');
  if (pg.source !== 'env') await createDatabaseIfMissing(pg.server, 'accord');

  let port = Number(process.env.PORT || 3000);
  if (!process.env.PORT && (await portOpen(port))) {
    port = await freePort(0);
    log(`port 3000 is taken; using ${port} (set PORT to choose)`);
  }
  const publicUrl = process.env.PUBLIC_URL || `http://localhost:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    SMTP_URL: smtpUrl,
    JWT_SECRET: process.env.JWT_SECRET || devSecret(),
    PORT: String(port),
    PUBLIC_URL: publicUrl,
  };
  Object.assign(process.env, env);

  await require('./lib/migrate').migrate(databaseUrl);
  const run = (script, name) => {
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist', 'src', script)], { env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (!shuttingDown) {
        console.error(`✖ ${name} exited (${signal || code}); stopping.`);
        void shutdown(1);
      }
    });
    children.push(child);
    return child;
  };
  const seeded = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'seed.js')], { env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code === 0));
  });
  if (!seeded) return shutdown(1);

  run('main.js', 'API');
  run('worker.js', 'worker');

  const ready = `http://127.0.0.1:${port}/api/v1/health/ready`;
  for (let i = 0; i < 120 && !shuttingDown; i++) {
    try {
      const res = await fetch(ready);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const { demoAccountLines } = require(path.join(root, 'dist', 'src', 'seed', 'demo-users.js'));
  const pad = (s) => s.padEnd(16);
  console.log(
    [
      '',
      '  Accord is running.',
      '',
      `  ${pad('Web app')}${publicUrl}/   ← open this in a browser`,
      `  ${pad('API')}${publicUrl}/api/v1`,
      `  ${pad('Docs (OpenAPI)')}${publicUrl}/api/docs`,
      `  ${pad('Queue dashboard')}${publicUrl}/admin/queues`,
      `  ${pad('Mail catcher')}${mailWeb || `(SMTP_URL is set: ${smtpUrl.replace(/\/\/[^@]*@/, '//')})`}`,
      `  ${pad('Health')}${publicUrl}/api/v1/health/ready`,
      '',
      ...demoAccountLines(),
      '',
      '  Press Ctrl-C to stop everything started here.',
      '',
    ].join('\n'),
  );
}

main().catch(async (error) => {
  console.error(`✖ npm start failed: ${error && error.stack ? error.stack : error}`);
  await require('./lib/services').cleanup();
  process.exit(1);
});
