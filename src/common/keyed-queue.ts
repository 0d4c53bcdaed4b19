/**
 * Runs calls one at a time per key, in arrival order, within this process. At most `maxWaiting`
 * calls of one key wait behind the running one; `run` refuses more at once (returns null), so one
 * key cannot make the process hold an unbounded backlog. A key is forgotten when its last call
 * settles: memory follows what is in flight.
 */
export class KeyedQueue {
  private readonly queues = new Map<string, { tail: Promise<unknown>; inFlight: number }>();

  constructor(private readonly maxWaiting: number) {}

  /** `work` once every earlier call of `key` has settled; null (and no work) when the key's queue is full. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> | null {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { tail: Promise.resolve(), inFlight: 0 }));
    if (queue.inFlight > this.maxWaiting) return null; // one running, maxWaiting waiting
    queue.inFlight += 1;
    const entry = queue;
    const result = entry.tail.then(work);
    entry.tail = result.then(
      () => this.settled(key, entry),
      () => this.settled(key, entry),
    );
    return result;
  }

  /** Keys with calls in flight (for tests and metrics). */
  get size(): number {
    return this.queues.size;
  }

  private settled(key: string, entry: { inFlight: number }): void {
    entry.inFlight -= 1;
    if (entry.inFlight === 0 && this.queues.get(key) === entry) this.queues.delete(key);
  }
}
