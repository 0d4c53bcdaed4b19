/**
 * Gathers lookups made in the same turn of the event loop into one call (the DataLoader idea):
 * requests read from the network together reach their database read together, and one statement
 * with N keys costs far less than N round trips. The first lookup schedules the flush with
 * setImmediate, so a lone request waits for nothing; `max` keys flush at once.
 */
export class Batcher<K, V> {
  private pending: Array<{ key: K; resolve: (value: V) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly max: number,
    /** Answers for the keys, in the same order. */
    private readonly loadMany: (keys: K[]) => Promise<V[]>,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
      else if (this.pending.length >= this.max) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    const keys = batch.map((entry) => entry.key);
    Promise.resolve()
      .then(() => this.loadMany(keys))
      .then((values) => {
        if (values.length !== keys.length) throw new Error(`Batcher: ${values.length} answers for ${keys.length} keys`);
        batch.forEach((entry, i) => entry.resolve(values[i]));
      })
      .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)));
  }
}
