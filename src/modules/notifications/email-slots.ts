import { formatter, zonedTimeToUtc } from './quiet-hours';

/**
 * The local-hour slots of the emails that wait for one (students' digests, instructors' at-risk alerts): every
 * day, or one ISO weekday, at `hour`:00 in the recipient's zone. One implementation for both, pure and DST-correct.
 */
export const SLOT_FREQUENCIES = ['off', 'daily', 'weekly'] as const;
export type SlotFrequency = (typeof SLOT_FREQUENCIES)[number];

/** When an email goes out, in the recipient's zone: every day, or one ISO weekday (1 = Monday … 7 = Sunday), at `hour`:00. */
export interface SlotSchedule {
  frequency: SlotFrequency;
  hour: number;
  weekday: number;
}

const DAY_MS = 86_400_000;

/** The local calendar date of `at` in `timeZone`, and its ISO weekday. */
function localDate(at: Date, timeZone: string): { y: number; mo: number; d: number; isoWeekday: number } {
  const parts = formatter(timeZone, 'parts').formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const y = get('year');
  const mo = get('month');
  const d = get('day');
  return { y, mo, d, isoWeekday: new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7 };
}

/** `hour`:00 in `timeZone` on the local date `days` after (y, mo, d). */
function slotOn(date: { y: number; mo: number; d: number }, days: number, hour: number, timeZone: string): Date {
  const day = new Date(Date.UTC(date.y, date.mo - 1, date.d + days));
  return zonedTimeToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour, 0, timeZone);
}

/** Days from the local date back to the most recent slot day at or before it (0 for today). */
function daysBack(schedule: SlotSchedule, isoWeekday: number): number {
  return schedule.frequency === 'weekly' ? (isoWeekday - schedule.weekday + 7) % 7 : 0;
}

const period = (schedule: SlotSchedule) => (schedule.frequency === 'weekly' ? 7 : 1);

/** The latest slot at or before `now` (null when the frequency is off). Pure. */
export function lastSlot(now: Date, schedule: SlotSchedule, timeZone: string): Date | null {
  if (schedule.frequency === 'off') return null;
  const today = localDate(now, timeZone);
  const back = daysBack(schedule, today.isoWeekday);
  const candidate = slotOn(today, -back, schedule.hour, timeZone);
  return candidate.getTime() <= now.getTime() ? candidate : slotOn(today, -back - period(schedule), schedule.hour, timeZone);
}

/** The first slot strictly after `now` (null when the frequency is off). Pure. */
export function nextSlot(now: Date, schedule: SlotSchedule, timeZone: string): Date | null {
  if (schedule.frequency === 'off') return null;
  const today = localDate(now, timeZone);
  const ahead = schedule.frequency === 'weekly' ? (schedule.weekday - today.isoWeekday + 7) % 7 : 0;
  const candidate = slotOn(today, ahead, schedule.hour, timeZone);
  return candidate.getTime() > now.getTime() ? candidate : slotOn(today, ahead + period(schedule), schedule.hour, timeZone);
}

/** A slot is still sent this long after it passed (a worker that was down catches up); older ones are passed over. */
export const SLOT_GRACE_MS = DAY_MS / 2;

/**
 * The first slot at or after `now` (a held reminder's digest: one coming due exactly at a slot joins it). The slot
 * instant doubles as the digest's identity. Null when the frequency is off.
 */
export function slotAtOrAfter(now: Date, schedule: SlotSchedule, timeZone: string): Date | null {
  return nextSlot(new Date(now.getTime() - 1), schedule, timeZone);
}
