/** How often a course's instructors get the at-risk students alert (a preference; see docs/reminder-kinds.md). */
export const ALERT_FREQUENCIES = ['off', 'daily', 'weekly'] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** The unsubscribe scope of the at-risk alert email (one-click unsubscribe turns the alert off). */
export const AT_RISK_KIND = 'at_risk';
export type AtRiskKind = typeof AT_RISK_KIND;

/** Instructors who never chose: weekly, Monday 08:00 in their zone, every reason listed. */
export const DEFAULT_AT_RISK_ALERTS = {
  frequency: 'weekly' as AlertFrequency,
  hour: 8,
  weekday: 1,
  inactive: true,
  overdue: true,
  behind: true,
};
