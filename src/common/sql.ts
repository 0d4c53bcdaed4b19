import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * TypeORM's `query()` answers UPDATE/DELETE with `[rows, rowCount]` but SELECT/INSERT with `rows`.
 * This gives the rows of an `UPDATE … RETURNING` (or of anything else) uniformly.
 */
export async function returningRows<T>(
  runner: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result = await runner.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * A hot statement as a named prepared statement on TypeORM's own pool: parsed and planned once per
 * connection rather than on every call, where planning a many-join statement cost more than
 * executing it. Errors surface as TypeORM's QueryFailedError, as from dataSource.query. Names must
 * be unique per statement text.
 */
export async function prepared<T>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  try {
    return (await pool.query({ name, text, values })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

export type PreparedQuery = <T>(name: string, text: string, values: unknown[]) => Promise<T[]>;

/**
 * `work` on one pooled connection between BEGIN and COMMIT (ROLLBACK when it throws), its
 * statements prepared as by `prepared`. Errors surface as QueryFailedError. With `lockTimeoutMs`,
 * any wait for a lock inside gives up after that long (SQLSTATE 55P03) instead of holding the
 * connection.
 */
export async function preparedTransaction<T>(
  dataSource: DataSource,
  work: (query: PreparedQuery) => Promise<T>,
  options: { lockTimeoutMs?: number } = {},
): Promise<T> {
  const { lockTimeoutMs } = options;
  if (lockTimeoutMs !== undefined && !(Number.isInteger(lockTimeoutMs) && lockTimeoutMs >= 1))
    throw new RangeError(`lockTimeoutMs must be a positive integer, got ${lockTimeoutMs}`); // 0 would mean no limit
  // One round trip: both statements in one simple query (SET takes no bind parameters).
  const begin = lockTimeoutMs === undefined ? 'BEGIN' : `BEGIN; SET LOCAL lock_timeout = ${lockTimeoutMs}`;
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const client = await pool.connect();
  const run = async <R>(config: { name?: string; text: string; values?: unknown[] }): Promise<R[]> => {
    try {
      return (await client.query(config)).rows as R[];
    } catch (error) {
      throw new QueryFailedError(config.text, config.values, error as Error);
    }
  };
  let broken: Error | undefined;
  try {
    await run({ text: begin });
    const result = await work((name, text, values) => run({ name, text, values }));
    await run({ text: 'COMMIT' });
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError)); // a connection that cannot roll back is not reused
    throw error;
  } finally {
    client.release(broken);
  }
}
