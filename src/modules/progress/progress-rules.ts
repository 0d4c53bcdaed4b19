/** A module is locked while its unlockAt is in the future or a prerequisite is not completed. */
export function isLocked(
  module: { unlockAt: Date | null; prerequisites: string[] },
  isCompleted: (moduleId: string) => boolean,
  now: Date,
): boolean {
  if (module.unlockAt && module.unlockAt.getTime() > now.getTime()) return true;
  return module.prerequisites.some((id) => !isCompleted(id));
}

/** A percentage as every view shows it: one decimal, halves up. */
export function roundPercent(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * An item's displayed percent: what was stored, except that an item completed by opening it or
 * marking it done is 100 % (those rules have no percent of their own; coverage is null for them).
 */
export function itemPercent(
  state: 'not_started' | 'in_progress' | 'completed',
  percent: number | null,
  coveredPercent: number | null,
): number {
  if (state === 'completed' && coveredPercent === null) return 100;
  return roundPercent(percent ?? 0);
}

/**
 * A percentage as every progress view shows it: one decimal, halves up, the same as the stored
 * `round(100.0 * done / total, 1)` of accord_derive_enrolments; 0 when there is nothing to count.
 */
export function percentOf(done: number, total: number): number {
  return total > 0 ? Math.round((1000 * done) / total) / 10 : 0;
}

export const MAX_FUTURE_SKEW_MS = 2 * 60_000;

/** The longest position or segment end accepted: ten days, as for a material's durationSeconds. */
export const MAX_SECONDS = 864_000;
/** Watched segments one event may carry (more → that event is rejected). */
export const MAX_SEGMENTS_PER_EVENT = 200;
/** Watched segments one batch may carry in all (more → 413 before any event is looked at). */
export const MAX_SEGMENTS_PER_BATCH = 5_000;
/** Ranges kept per item: beyond it the shortest are dropped (coverage already counted stays in percent). */
export const MAX_STORED_RANGES = 500;

export const tooManySegments = (n: number) => `watchedSegments has ${n} segments; an event carries at most ${MAX_SEGMENTS_PER_EVENT}`;

/** How many watched segments the raw events of a batch carry (before any validation). */
export function countSegments(events: unknown[]): number {
  let n = 0;
  for (const event of events) {
    const segments = (event as { watchedSegments?: unknown } | null)?.watchedSegments;
    if (Array.isArray(segments)) n += segments.length;
  }
  return n;
}

/**
 * Watched segments → a PostgreSQL nummultirange literal, or an error message. Ends are rounded to
 * the nearest whole second (a boundary two reports share stays shared, so contiguous playback stays
 * contiguous) and overlapping or adjacent segments are merged, so an event stores at most as many
 * ranges as it sent, in small whole numbers.
 */
export function segmentsToMultirange(segments: unknown): { value: string | null } | { error: string } {
  if (segments === undefined || segments === null) return { value: null };
  if (!Array.isArray(segments)) return { error: 'watchedSegments must be an array of [fromSeconds, toSeconds]' };
  if (segments.length > MAX_SEGMENTS_PER_EVENT) return { error: tooManySegments(segments.length) };
  const ranges: Array<[number, number]> = [];
  for (const segment of segments) {
    if (!Array.isArray(segment) || segment.length !== 2) return { error: 'each watched segment is [fromSeconds, toSeconds]' };
    const [from, to] = segment as unknown[];
    if (
      typeof from !== 'number' ||
      typeof to !== 'number' ||
      !Number.isFinite(from) ||
      !Number.isFinite(to) ||
      from < 0 ||
      to < from ||
      to > MAX_SECONDS
    ) {
      return { error: `each watched segment needs 0 ≤ fromSeconds ≤ toSeconds ≤ ${MAX_SECONDS}` };
    }
    const [start, end] = [Math.round(from), Math.round(to)];
    if (end > start) ranges.push([start, end]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return { value: `{${merged.map(([start, end]) => `[${start},${end})`).join(',')}}` };
}
