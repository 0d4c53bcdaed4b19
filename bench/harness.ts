import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import Redis from 'ioredis';
import { cpus, totalmem } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require('../../scripts/lib/migrate') as { migrate: (url: string, o?: { quiet: boolean }) => Promise<void> };

export const root = join(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withDatabase } = require('../../scripts/lib/services') as { withDatabase: (url: string, database: string) => string };

export interface BenchContext {
  app: NestFastifyApplication;
  baseUrl: string;
  databaseUrl: string;
  db: Client;
  admin: { email: string; password: string };
  close(): Promise<void>;
}

/** A migrated database of its own, a Redis prefix of its own, and the real API listening on a free port. */
export async function startBench(name: string, env: Record<string, string> = {}): Promise<BenchContext> {
  const server = process.env.BENCH_PG_SERVER;
  const redisUrl = process.env.REDIS_URL;
  if (!server || !redisUrl) throw new Error('Run benchmarks with `npm run bench:*` (it provides PostgreSQL and Redis).');
  const database = `accord_bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const databaseUrl = withDatabase(server, database);
  await migrate(databaseUrl, { quiet: true });
  const prefix = `accord_bench_${randomBytes(4).toString('hex')}`;
  const credentials = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SMTP_URL: 'smtp://127.0.0.1:1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: credentials.email,
    ADMIN_PASSWORD: credentials.password,
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    databaseUrl,
    db,
    admin: credentials,
    async close() {
      await app.close();
      await db.end();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`{${prefix}}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function api<T = unknown>(
  ctx: BenchContext,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ctx.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

export async function signIn(ctx: BenchContext): Promise<string> {
  const res = await api<{ accessToken: string }>(ctx, 'POST', '/api/v1/auth/login', undefined, ctx.admin);
  if (res.status !== 200) throw new Error(`bench sign-in failed: ${res.status}`);
  return res.body.accessToken;
}

export function machine() {
  return { cpus: cpus().length, memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version };
}

/** Writes bench/results/<bench>.json in the shape DESIGN.md gives, and prints one summary line. */
export function report(result: {
  bench: string;
  figures: Record<string, number>;
  baseline: Record<string, number>;
  ratio: number;
  goal: string;
  meetsGoal: boolean;
}): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const { bench, ...rest } = result;
  const full = { bench, at: new Date().toISOString(), machine: machine(), ...rest };
  writeFileSync(join(dir, `${result.bench}.json`), `${JSON.stringify(full, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(full)}\n`);
}

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
