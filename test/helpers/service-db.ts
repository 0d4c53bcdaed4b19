import 'reflect-metadata';
import type { ModuleMetadata } from '@nestjs/common';
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

export interface ServiceDb {
  /** The Nest module: `module.get(SomeService)`. */
  module: TestingModule;
  config: AppConfig;
  /** A plain pool on the same database, for fixtures and for checking rows. */
  db: Pool;
  close(): Promise<void>;
}

/**
 * Services without HTTP: the given Nest modules on CoreModule (config, PostgreSQL, Redis, BullMQ),
 * against a fresh database cloned from the migrated template and a Redis prefix of their own.
 * Nothing is stubbed.
 */
export async function startServiceDb(
  imports: NonNullable<ModuleMetadata['imports']>,
  overrides: Record<string, string> = {},
): Promise<ServiceDb> {
  const { redisUrl } = testEnv();
  const database = await createTestDatabase();
  const prefix = `accord_test_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SMTP_URL: 'smtp://127.0.0.1:9', // nothing here sends mail
    JWT_SECRET: `test-secret-${randomBytes(16).toString('hex')}`,
    PUBLIC_URL: 'https://accord.test',
    REMINDER_SCHEDULERS: 'false',
    ...overrides,
  });
  const module = await Test.createTestingModule({ imports: [CoreModule.forRoot(config, 'api'), ...imports] }).compile();
  module.useLogger(false);
  await module.init();
  const db = new Pool({ connectionString: database.url, max: 2 });
  return {
    module,
    config,
    db,
    async close() {
      await module.close();
      await db.end();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await dropTestDatabase(database.name);
    },
  };
}
