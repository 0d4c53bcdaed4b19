import type { AtRiskStudent } from './at-risk-alerts.repository';

const days = (n: number) => (n < 1 ? 'less than a day' : n === 1 ? '1 day' : `${n} days`);

/** Why a student is listed, in words, reasons in a fixed order (inactive; overdue; behind). Pure. */
export function reasonsInWords(s: Pick<AtRiskStudent, 'inactive_days' | 'overdue' | 'behind_median' | 'percent' | 'cohort_name'>): string {
  const reasons: string[] = [];
  if (s.inactive_days !== null) reasons.push(`inactive for ${days(s.inactive_days)} with required work left`);
  if (s.overdue?.length) reasons.push(`overdue: ${s.overdue.map((o) => `“${o.moduleTitle}” by ${days(o.days)}`).join(', ')}`);
  if (s.behind_median !== null)
    reasons.push(`far behind: ${s.percent}% done, the ${s.cohort_name ? 'cohort' : 'course'} median is ${s.behind_median}%`);
  return reasons.join('; ');
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "weekly, Mondays at 08:00 (Europe/Helsinki)" */
export function scheduleInWords(s: { frequency: string; hour: number; weekday: number }, timeZone: string): string {
  const at = `${String(s.hour).padStart(2, '0')}:00 (${timeZone})`;
  return s.frequency === 'weekly' ? `weekly, ${WEEKDAYS[s.weekday - 1]}s at ${at}` : `daily at ${at}`;
}
