/**
 * How every email writes a date: in the recipient's time zone, with the year only when it is not
 * the recipient's current year ("Friday 1 January 2027, 00:00 (Europe/Helsinki)", "4 Dec, 14:00").
 */
export type MailDateStyle = 'long' | 'short';

// Building an Intl.DateTimeFormat is costly (it dominated the send path): one per zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, style: MailDateStyle): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      ...(style === 'long' ? { weekday: 'long', month: 'long' } : { month: 'short' }),
      day: 'numeric',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(at: Date, timeZone: string, style: MailDateStyle): Record<string, string> {
  return Object.fromEntries(
    formatter(timeZone, style)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
}

/** `at` as the recipient reads it, judged against `now` (the Clock's) for whether to show the year. */
export function mailDate(at: Date, timeZone: string, now: Date, style: MailDateStyle = 'long'): string {
  const p = parts(at, timeZone, style);
  const year = p.year === parts(now, timeZone, style).year ? '' : ` ${p.year}`;
  const time = `${p.hour}:${p.minute}`;
  return style === 'long' ? `${p.weekday} ${p.day} ${p.month}${year}, ${time} (${timeZone})` : `${p.day} ${p.month}${year}, ${time}`;
}
