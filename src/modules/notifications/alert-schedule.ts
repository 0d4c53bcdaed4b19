import type { SlotFrequency } from './email-slots';

/** The unsubscribe scope of the at-risk alert email (one-click unsubscribe turns the alert off). */
export const AT_RISK_KIND = 'at_risk';
export type AtRiskKind = typeof AT_RISK_KIND;

/** Instructors who never chose: weekly, Monday 08:00 in their zone, every reason listed. */
export const DEFAULT_AT_RISK_ALERTS = {
  frequency: 'weekly' as SlotFrequency,
  hour: 8,
  weekday: 1,
  inactive: true,
  overdue: true,
  behind: true,
};
