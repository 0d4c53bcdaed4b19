import 'reflect-metadata';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { generateOpenApi } from '../src/app.factory';
import { loadConfig } from '../src/config/env';

/** Placeholder settings: generating the spec connects to nothing. */
export const OPENAPI_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  REDIS_URL: 'redis://127.0.0.1:1',
  SMTP_URL: 'smtp://127.0.0.1:1',
  JWT_SECRET: 'openapi-generation-only-secret-0123456789',
  PUBLIC_URL: 'http://localhost:3000',
};

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

async function main(): Promise<void> {
  const document = await generateOpenApi(loadConfig(OPENAPI_ENV));
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`openapi.json written (${Object.keys(document.paths).length} paths)\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
