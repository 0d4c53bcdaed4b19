import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { preparedTransaction, returningRows } from './sql';

describe('returningRows', () => {
  it('unwraps the [rows, count] shape of UPDATE … RETURNING', async () => {
    expect(await returningRows({ query: async () => [[{ id: 'a' }], 1] }, 'UPDATE', [])).toEqual([{ id: 'a' }]);
  });
  it('passes plain row arrays through, even of length 2', async () => {
    expect(await returningRows({ query: async () => [{ id: 'a' }, { id: 'b' }] }, 'INSERT', [])).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
});

describe('preparedTransaction', () => {
  /** A stand-in pool whose one client records what it is sent; `fail` makes matching statements throw. */
  function fakeDataSource(fail: (text: string) => boolean = () => false) {
    const sent: string[] = [];
    const released: unknown[] = [];
    const client = {
      query: async (config: string | { text: string; name?: string }) => {
        const text = typeof config === 'string' ? config : config.text;
        sent.push(typeof config === 'string' || !config.name ? text : `${config.name}: ${text}`);
        if (fail(text)) throw Object.assign(new Error(`failed: ${text}`), { code: '40P01' });
        return { rows: [{ text }] };
      },
      release: (error?: unknown) => released.push(error),
    };
    const dataSource = { driver: { master: { connect: async () => client } } } as unknown as DataSource;
    return { dataSource, sent, released };
  }

  it('runs the work between BEGIN and COMMIT on one connection, prepared by name, and gives it back', async () => {
    const { dataSource, sent, released } = fakeDataSource();
    const result = await preparedTransaction(dataSource, async (query) => (await query<{ text: string }>('a.lock', 'SELECT 1', [])).length);
    expect(result).toBe(1);
    expect(sent).toEqual(['BEGIN', 'a.lock: SELECT 1', 'COMMIT']);
    expect(released).toEqual([undefined]);
  });

  it('rolls back when a statement fails, surfacing a QueryFailedError with the driver code', async () => {
    const { dataSource, sent, released } = fakeDataSource((text) => text === 'UPDATE');
    const error = await preparedTransaction(dataSource, async (query) => {
      await query('a.insert', 'INSERT', []);
      await query('a.update', 'UPDATE', []);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as { driverError: { code: string } }).driverError.code).toBe('40P01');
    expect(sent).toEqual(['BEGIN', 'a.insert: INSERT', 'a.update: UPDATE', 'ROLLBACK']);
    expect(released).toEqual([undefined]);
  });

  it('bounds lock waits with SET LOCAL lock_timeout sent with BEGIN, in one round trip', async () => {
    const { dataSource, sent } = fakeDataSource();
    await preparedTransaction(dataSource, async (query) => query('a.lock', 'SELECT 1', []), { lockTimeoutMs: 2500 });
    expect(sent).toEqual(['BEGIN; SET LOCAL lock_timeout = 2500', 'a.lock: SELECT 1', 'COMMIT']);
  });

  it('refuses a lock timeout that is not a positive integer (0 would mean none) before taking a connection', async () => {
    const { dataSource, sent } = fakeDataSource();
    for (const lockTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      await expect(preparedTransaction(dataSource, async () => 1, { lockTimeoutMs })).rejects.toBeInstanceOf(RangeError);
    }
    expect(sent).toEqual([]);
  });

  it('does not reuse a connection that could not roll back', async () => {
    const { dataSource, released } = fakeDataSource((text) => text === 'COMMIT' || text === 'ROLLBACK');
    await expect(preparedTransaction(dataSource, async () => 1)).rejects.toBeInstanceOf(QueryFailedError);
    expect(released).toEqual([expect.any(Error)]);
  });
});
