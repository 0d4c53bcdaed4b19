import { KeyedQueue } from './keyed-queue';

/** A promise with its resolve/reject at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs the calls of one key one at a time, in arrival order', async () => {
    const queue = new KeyedQueue(10);
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      queue.run('student', async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      })!,
    );
    await tick();
    expect(log).toEqual(['start 0']);
    gates[2].resolve();
    gates[1].resolve();
    await tick();
    expect(log).toEqual(['start 0']); // the later ones wait for the first even when ready
    gates[0].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('runs different keys side by side', async () => {
    const queue = new KeyedQueue(10);
    const gate = deferred();
    const started: string[] = [];
    void queue.run('a', async () => (started.push('a'), gate.promise));
    void queue.run('b', async () => (started.push('b'), gate.promise));
    await tick();
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
  });

  it('refuses a call past maxWaiting behind the running one, without running it', async () => {
    const queue = new KeyedQueue(2);
    const gate = deferred();
    let ran = 0;
    const work = async () => {
      ran += 1;
      await gate.promise;
    };
    const admitted = [queue.run('k', work), queue.run('k', work), queue.run('k', work)];
    expect(admitted.every((p) => p !== null)).toBe(true);
    expect(queue.run('k', work)).toBeNull();
    expect(queue.run('other', async () => 'fine')).not.toBeNull();
    gate.resolve();
    await Promise.all(admitted.map((p) => p!));
    expect(ran).toBe(3);
    expect(queue.run('k', work)).not.toBeNull(); // room again once they settled
  });

  it('goes on after a call fails, and forgets a key once nothing of it is in flight', async () => {
    const queue = new KeyedQueue(5);
    const failing = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    await tick();
    expect(queue.size).toBe(0);
  });

  it('turns a synchronous throw of the work into a rejection', async () => {
    const queue = new KeyedQueue(1);
    const run = queue.run('k', () => {
      throw new Error('sync');
    });
    await expect(run).rejects.toThrow('sync');
  });
});
