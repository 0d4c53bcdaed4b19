import { Batcher } from './batcher';

describe('Batcher', () => {
  it('answers lookups made together with one call, each with its own answer', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number, string>(100, async (keys) => {
      calls.push(keys);
      return keys.map((k) => `v${k}`);
    });
    const answers = await Promise.all([3, 1, 2, 1].map((k) => batcher.load(k)));
    expect(answers).toEqual(['v3', 'v1', 'v2', 'v1']);
    expect(calls).toEqual([[3, 1, 2, 1]]);
    // Later lookups make a call of their own.
    expect(await batcher.load(7)).toBe('v7');
    expect(calls).toHaveLength(2);
  });

  it('flushes at the maximum batch size', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(3, async (keys) => {
      sizes.push(keys.length);
      return keys.map((k) => k * 2);
    });
    expect(await Promise.all([1, 2, 3, 4, 5, 6, 7].map((k) => batcher.load(k)))).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('fails every lookup of a failed call, and the next batch starts afresh', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(10, async (keys) => {
      if (fail) throw new Error('database gone');
      return keys;
    });
    const results = await Promise.allSettled([batcher.load(1), batcher.load(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.load(3)).toBe(3);
  });

  it('fails the whole batch, not just one caller, when the loader throws at once or answers short', async () => {
    const throwing = new Batcher<number, number>(2, () => {
      throw new Error('bad statement');
    });
    const thrown = await Promise.allSettled([1, 2, 3].map((k) => throwing.load(k)));
    expect(thrown.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const short = new Batcher<number, number>(10, async (keys) => keys.slice(1));
    const answers = await Promise.allSettled([1, 2].map((k) => short.load(k)));
    expect(answers.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
