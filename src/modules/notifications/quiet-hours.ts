// Building an Intl.DateTimeFormat is costly (it dominated the send path): keep one per zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
export function formatter(timeZone: string, style: 'parts' | 'long' | 'short'): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'parts'
        ? { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }
        : style === 'long'
          ? {
              timeZone,
              weekday: 'long',
              day: 'numeric',
              month: 'long',
              year: 'numeric',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            }
          : { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(style === 'parts' ? 'en-US' : 'en-GB', options);
    formatters.set(key, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a time zone. */
function localParts(at: Date, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const parts = formatter(timeZone, 'parts').formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute') };
}

/** The UTC instant of a local wall-clock time in a zone (DST-correct to the minute). */
export function zonedTimeToUtc(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timeZone);
    const offset = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi) - guess;
    const next = wall - offset;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** Quiet hours of a user who never chose (no preferences row, and the column defaults). */
export const DEFAULT_QUIET_HOURS = { start: '21:00', end: '08:00' } as const;

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * When `now` falls inside the quiet window [start, end) in the user's zone (which may cross
 * midnight, e.g. 21:00–08:00), the instant the window ends; otherwise null.
 */
export function quietUntil(now: Date, timeZone: string, window: { start: string; end: string } | null): Date | null {
  if (!window) return null;
  const start = minutes(window.start);
  const end = minutes(window.end);
  if (start === end) return null;
  const local = localParts(now, timeZone);
  const t = local.h * 60 + local.mi;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? t >= start || t < end : t >= start && t < end;
  if (!inside) return null;
  const endsTomorrow = crossesMidnight && t >= start;
  const base = new Date(Date.UTC(local.y, local.mo - 1, local.d + (endsTomorrow ? 1 : 0)));
  return zonedTimeToUtc(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), Math.floor(end / 60), end % 60, timeZone);
}
