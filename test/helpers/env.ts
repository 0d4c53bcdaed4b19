/** What scripts/test.js hands to Jest; a clear message when Jest is run without it. */
export function testEnv(): { server: string; template: string; runId: string; redisUrl: string } {
  const { TEST_PG_SERVER, TEST_DB_TEMPLATE, TEST_RUN_ID, REDIS_URL } = process.env;
  if (!TEST_PG_SERVER || !TEST_DB_TEMPLATE || !TEST_RUN_ID || !REDIS_URL) {
    throw new Error('Run the tests with `npm test` (it provides PostgreSQL, Redis and a migrated template database).');
  }
  return { server: TEST_PG_SERVER, template: TEST_DB_TEMPLATE, runId: TEST_RUN_ID, redisUrl: REDIS_URL };
}

/** Replaces the database path of a PostgreSQL URL (the one scripts/lib/services.js uses). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { withDatabase } = require('../../scripts/lib/services') as { withDatabase: (url: string, database: string) => string };
