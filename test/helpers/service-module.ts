import 'reflect-metadata';
import type { ModuleMetadata, Type } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { CoreModule } from '../../src/common/core.module';
import type { AppConfig } from '../../src/config/env';
import { loadConfig } from '../../src/config/env';
import { createTestDatabase, dropTestDatabase } from './database';
import { testEnv } from './env';

export interface ServiceModule {
  module: TestingModule;
  config: AppConfig;
  database: { url: string; name: string };
  /** A separate pool for the test's own queries (seeding, checking rows). */
  db: Pool;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

/**
 * A Nest testing module (no HTTP) over the core (config, PostgreSQL, Redis, BullMQ, Clock) and the
 * given modules and providers, on a fresh database cloned from the migrated template and its own
 * Redis prefix. Nothing is stubbed; `env` overrides the configuration (e.g. SMTP_URL).
 */
export async function startServiceModule(
  metadata: Pick<ModuleMetadata, 'imports' | 'providers'> & { role?: 'api' | 'worker' },
  env: Record<string, string> = {},
): Promise<ServiceModule> {
  const { redisUrl } = testEnv();
  const database = await createTestDatabase();
  const prefix = `accord_test_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '3',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SMTP_URL: 'smtp://127.0.0.1:1',
    JWT_SECRET: `test-secret-${randomBytes(16).toString('hex')}`,
    PUBLIC_URL: 'https://accord.test',
    REMINDER_SCHEDULERS: 'false',
    ...env,
  });
  const module = await Test.createTestingModule({
    imports: [CoreModule.forRoot(config, metadata.role ?? 'worker'), ...(metadata.imports ?? [])],
    providers: metadata.providers ?? [],
  }).compile();
  module.useLogger(false);
  await module.init();
  const db = new Pool({ connectionString: database.url, max: 2 });
  return {
    module,
    config,
    database,
    db,
    get: (type) => module.get(type, { strict: false }),
    async close() {
      await module.close();
      await db.end();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`{${prefix}}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await dropTestDatabase(database.name);
    },
  };
}
