import { randomUUID } from 'crypto';

/** Course items as the benches know them; kept free of app imports so the load generator starts light. */
export interface BenchItem {
  id: string;
  moduleId: string;
  rule: 'view' | 'watch';
  durationSeconds: number | null;
}

export interface EventRow {
  eventId: string;
  itemId: string;
  type: 'viewed' | 'progressed';
  positionSeconds?: number;
  percent?: number;
  watchedSegments?: Array<[number, number]>;
  occurredAt: string;
}

export const VIDEO_SECONDS = 600;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** One student's batch of progress events across the items; videos at random positions with a 30 s watched segment. */
export function batchOf(items: BenchItem[], size: number): EventRow[] {
  const now = Date.now();
  return Array.from({ length: size }, () => {
    const item = pick(items);
    const occurredAt = new Date(now - Math.floor(Math.random() * 3_600_000)).toISOString();
    if (item.rule === 'view') return { eventId: randomUUID(), itemId: item.id, type: 'viewed', occurredAt };
    const duration = item.durationSeconds ?? VIDEO_SECONDS;
    const from = Math.floor(Math.random() * (duration - 30));
    return {
      eventId: randomUUID(),
      itemId: item.id,
      type: 'progressed',
      positionSeconds: from + 30,
      percent: round((100 * (from + 30)) / duration),
      watchedSegments: [[from, from + 30]],
      occurredAt,
    };
  });
}
