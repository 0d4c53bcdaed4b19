import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { Pool } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/config/env';
import { loadConfig } from '../../src/config/env';
import { WorkerModule } from '../../src/worker.module';
import { createTestDatabase, dropTestDatabase } from './database';
import { testEnv } from './env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('../../scripts/lib/mail-catcher') as {
  startMailCatcher: (options: { web: boolean; smtpPort?: number }) => Promise<MailCatcher>;
};

export interface CaughtMail {
  messageId: string;
  subject: string;
  to: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  /** The message as received, byte for byte. */
  raw: Buffer;
}

export interface MailCatcher {
  smtpUrl: string;
  messages: CaughtMail[];
  waitFor(predicate: (messages: CaughtMail[]) => boolean, timeoutMs?: number): Promise<CaughtMail[]>;
  failNext(n: number): void;
  hold(): void;
  release(): void;
  clear(): void;
  close(): Promise<void>;
}

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-123' };
/** What the test apps' Prometheus scraper sends (METRICS_TOKEN). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdefghij';

export interface TestApp {
  /** Replaceable: a fault test may restart the sink on the same port. */
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  config: AppConfig;
  env: Record<string, string>;
  database: { url: string; name: string };
  db: Pool;
  mail: MailCatcher;
  redis: Redis;
  startWorker(overrides?: Record<string, string>): Promise<INestApplicationContext>;
  /** Another API process on the same database, Redis prefix and secret (closed with this one). */
  startPeer(overrides?: Record<string, string>): Promise<{ app: NestFastifyApplication; http: () => ReturnType<typeof request> }>;
  close(): Promise<void>;
}

/**
 * The real API on its own database (cloned from the migrated template), its own Redis prefix
 * and an in-process SMTP sink. Nothing is stubbed.
 */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const { redisUrl } = testEnv();
  const database = await createTestDatabase();
  const mail = await startMailCatcher({ web: false });
  const prefix = `accord_test_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SMTP_URL: mail.smtpUrl,
    JWT_SECRET: `test-secret-${randomBytes(16).toString('hex')}`,
    PUBLIC_URL: 'https://accord.test',
    REMINDER_SCHEDULERS: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    REMINDER_ATTEMPTS: '3',
    REMINDER_BACKOFF_MS: '50',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    METRICS_TOKEN,
    ...overrides,
  };
  const config = loadConfig(env);
  const app = await createApp(config, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = new Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => undefined); // the fault tests cut connections on purpose
  const redis = new Redis(redisUrl);
  const contexts: INestApplicationContext[] = [];
  const peers: NestFastifyApplication[] = [];
  const testApp: TestApp = {
    app,
    http: () => request(app.getHttpServer()),
    config,
    env,
    database,
    db,
    mail,
    redis,
    async startWorker(workerOverrides: Record<string, string> = {}) {
      const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...env, ...workerOverrides })), {
        logger: false,
      });
      await worker.init();
      contexts.push(worker);
      return worker;
    },
    async startPeer(peerOverrides: Record<string, string> = {}) {
      const peer = await createApp(loadConfig({ ...env, ...peerOverrides }), { logger: false });
      await peer.init();
      await peer.getHttpAdapter().getInstance().ready();
      peers.push(peer);
      return { app: peer, http: () => request(peer.getHttpServer()) };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined); // a test may have closed it
      for (const peer of peers) await peer.close().catch(() => undefined);
      await app.close();
      await db.end();
      const keys = await redis.keys(`{${prefix}}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await testApp.mail.close().catch(() => undefined);
      await dropTestDatabase(database.name);
    },
  };
  return testApp;
}

export async function login(
  t: TestApp,
  email: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string; userId: string }> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, userId: res.body.user.id };
}

/** Creates a user through the admin API and signs them in. */
export async function createUser(
  t: TestApp,
  adminToken: string,
  user: { email: string; name?: string; role: 'admin' | 'instructor' | 'student'; password?: string },
): Promise<{ id: string; accessToken: string; refreshToken: string; email: string; password: string }> {
  const password = user.password ?? 'correct-horse-battery';
  const res = await t
    .http()
    .post('/api/v1/users')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ email: user.email, name: user.name ?? user.email.split('@')[0], role: user.role, password });
  if (res.status !== 201) throw new Error(`create ${user.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const session = await login(t, user.email, password);
  return { id: res.body.id, accessToken: session.accessToken, refreshToken: session.refreshToken, email: user.email, password };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
