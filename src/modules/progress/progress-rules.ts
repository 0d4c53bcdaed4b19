/** A module is locked while its unlockAt is in the future or a prerequisite is not completed. */
export function isLocked(
  module: { unlockAt: Date | null; prerequisites: string[] },
  isCompleted: (moduleId: string) => boolean,
  now: Date,
): boolean {
  if (module.unlockAt && module.unlockAt.getTime() > now.getTime()) return true;
  return module.prerequisites.some((id) => !isCompleted(id));
}

export const MAX_FUTURE_SKEW_MS = 2 * 60_000;

/** Watched segments → a PostgreSQL nummultirange literal, or an error message. */
export function segmentsToMultirange(segments: unknown): { value: string | null } | { error: string } {
  if (segments === undefined || segments === null) return { value: null };
  if (!Array.isArray(segments)) return { error: 'watchedSegments must be an array of [fromSeconds, toSeconds]' };
  const parts: string[] = [];
  for (const segment of segments) {
    if (!Array.isArray(segment) || segment.length !== 2) return { error: 'each watched segment is [fromSeconds, toSeconds]' };
    const [from, to] = segment as unknown[];
    if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to) || from < 0 || to < from || to > 864_000) {
      return { error: 'each watched segment needs 0 ≤ fromSeconds ≤ toSeconds' };
    }
    if (to > from) parts.push(`[${from},${to})`);
  }
  return { value: `{${parts.join(',')}}` };
}
