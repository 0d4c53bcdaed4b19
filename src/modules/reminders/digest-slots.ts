import { formatter, zonedTimeToUtc } from '../notifications/quiet-hours';

/** How often a digest goes out; `off` means every reminder is sent alone. */
export type DigestFrequency = 'off' | 'daily' | 'weekly';

/** A digest schedule in the user's own zone: `hour` 0–23, `weekday` ISO 1 (Monday) – 7 (Sunday), used when weekly. */
export interface DigestSchedule {
  frequency: 'daily' | 'weekly';
  hour: number;
  weekday: number;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
function isoWeekday(y: number, mo: number, d: number): number {
  const day = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * The first digest slot at or after `now`: the instant of `hour`:00 local time in `timeZone` on
 * every day (daily) or on `weekday` (weekly). A slot at a nonexistent local hour (DST gap) falls
 * to the instant `zonedTimeToUtc` gives for it. Pure: the same inputs give the same instant, so the
 * slot doubles as a digest's identity.
 */
export function nextSlot(now: Date, schedule: DigestSchedule, timeZone: string): Date {
  const parts = formatter(timeZone, 'parts').formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const [y, mo, d] = [get('year'), get('month'), get('day')];
  // Eight local days always hold a weekly slot at or after `now`, even when today's has passed.
  for (let i = 0; i <= 8; i++) {
    const day = new Date(Date.UTC(y, mo - 1, d + i));
    const [cy, cmo, cd] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (schedule.frequency === 'weekly' && isoWeekday(cy, cmo, cd) !== schedule.weekday) continue;
    const slot = zonedTimeToUtc(cy, cmo, cd, schedule.hour, 0, timeZone);
    if (slot.getTime() >= now.getTime()) return slot;
  }
  throw new Error(`No digest slot found for ${JSON.stringify(schedule)} in ${timeZone}`);
}
