import { api, type Schemas } from './api/client';

export type ProgressEvent = Schemas['ProgressEventDto'];

const BATCH = 100;
const MAX_WAIT_MS = 30_000;

/**
 * Progress events wait here, in localStorage, until the API has acknowledged them: closing the
 * tab or losing the network loses nothing, and a resend counts nothing twice (each event carries
 * its own eventId, which the server deduplicates).
 */
export class Outbox {
  private readonly key: string;
  private sending = false;
  private wait = 1_000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(userId: string) {
    this.key = `accord.outbox.${userId}`;
    window.addEventListener('online', () => void this.flush());
    // Events left by a closed tab or a lost connection go as soon as the user is back.
    setTimeout(() => void this.flush(), 0);
  }

  pending(): ProgressEvent[] {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? '[]') as ProgressEvent[];
    } catch {
      return [];
    }
  }

  private save(events: ProgressEvent[]): void {
    localStorage.setItem(this.key, JSON.stringify(events));
  }

  add(event: Omit<ProgressEvent, 'eventId' | 'occurredAt'>): void {
    this.save([...this.pending(), { ...event, eventId: crypto.randomUUID(), occurredAt: new Date().toISOString() }]);
    void this.flush();
  }

  /** Called after every batch the server answered (so pages can show the new state). */
  onAcknowledged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Sends what waits, oldest first; on failure keeps it and tries again later (back-off up to 30 s). */
  async flush(options: { keepalive?: boolean } = {}): Promise<void> {
    if (this.sending && !options.keepalive) return;
    const batch = this.pending().slice(0, BATCH);
    if (!batch.length) return;
    this.sending = true;
    let delivered = false;
    try {
      const { response } = await api.POST('/api/v1/progress/events', { body: { events: batch }, keepalive: options.keepalive });
      // 200: each event is accepted, a duplicate or rejected for good (e.g. "module locked"): all are done with.
      // A 400 for the whole batch would fail the same way again: drop it rather than block the queue.
      delivered = response.ok || response.status === 400 || response.status === 413;
    } catch {
      delivered = false; // offline
    } finally {
      this.sending = false;
    }
    if (!delivered) return this.retryLater();
    const sent = new Set(batch.map((e) => e.eventId));
    this.save(this.pending().filter((e) => !sent.has(e.eventId)));
    this.wait = 1_000;
    for (const listener of this.listeners) listener();
    if (this.pending().length) return this.flush();
  }

  private retryLater(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.wait);
    this.wait = Math.min(this.wait * 2, MAX_WAIT_MS);
  }
}

let outbox: Outbox | null = null;
let owner: string | null = null;

/** The signed-in user's outbox (events of an earlier user on this browser stay theirs). */
export function outboxFor(userId: string): Outbox {
  if (!outbox || owner !== userId) {
    outbox = new Outbox(userId);
    owner = userId;
  }
  return outbox;
}
