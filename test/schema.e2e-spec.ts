import 'reflect-metadata';
import { readFileSync } from 'fs';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { generateOpenApi } from '../src/app.factory';
import { dataSourceOptions } from '../src/config/data-source-options';
import { loadConfig } from '../src/config/env';
import { OPENAPI_ENV } from '../scripts/openapi';
import { createTestDatabase, dropTestDatabase } from './helpers/database';

describe('committed artefacts stay true', () => {
  it('has migrations that match the entities (generating one would be empty)', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource({ ...dataSourceOptions(database.url, 1), migrations: [] });
    await dataSource.initialize();
    try {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await dropTestDatabase(database.name);
    }
  });

  it('has an openapi.json identical to the generated spec (run `npm run openapi`)', async () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    const generated = await generateOpenApi(loadConfig(OPENAPI_ENV));
    expect(generated).toEqual(committed);
  });
});
