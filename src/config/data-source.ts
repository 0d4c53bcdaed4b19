import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { loadDatabaseConfig } from './env';

/** Used by the TypeORM CLI (`npm run migration:*`); reads DATABASE_URL. */
const db = loadDatabaseConfig();
export default new DataSource(dataSourceOptions(db.url, db.poolSize));
