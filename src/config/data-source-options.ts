import 'reflect-metadata';
import type { DataSourceOptions } from 'typeorm';
import { join } from 'path';
import { ENTITIES } from './entities';

const root = join(__dirname, '..', '..');

/** The one TypeORM configuration, shared by the app, the CLI, the seeds and the tests. */
export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+, so no extension needs installing.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    entities: ENTITIES,
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
  };
}
