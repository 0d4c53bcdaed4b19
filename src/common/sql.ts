/**
 * TypeORM's `query()` answers UPDATE/DELETE with `[rows, rowCount]` but SELECT/INSERT with `rows`.
 * This gives the rows of an `UPDATE … RETURNING` (or of anything else) uniformly.
 */
export async function returningRows<T>(runner: { query: (sql: string, params?: unknown[]) => Promise<unknown> }, sql: string, params: unknown[]): Promise<T[]> {
  const result = await runner.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
