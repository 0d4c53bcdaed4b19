/** The part of a course's reminder policy that due dates use. */
export interface DuePolicy {
  dueSoonMinutesBefore: number;
  overdueMinutesAfter: number;
}

const MINUTE = 60_000;

/** "90 minutes", "1 hour", "2 days": the policy's offsets in words. */
export function minutesInWords(minutes: number): string {
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * What a due date means for the course's due reminders, as the scheduler decides it: a reminder
 * whose time has already passed is not created (reminder-schedule.repository), so a due date in
 * the past, or closer than the due-soon lead, loses reminders without an error. Said in words so
 * the person who set the date knows.
 */
export function dueDateWarnings(dueAt: Date, policy: DuePolicy, now: Date): string[] {
  const warnings: string[] = [];
  const past = dueAt.getTime() < now.getTime();
  const lead = policy.dueSoonMinutesBefore;
  if (lead > 0 && dueAt.getTime() - lead * MINUTE < now.getTime()) {
    warnings.push(
      past
        ? 'The due date is in the past: no due-soon reminder will be sent'
        : `The due date is less than ${minutesInWords(lead)} away (the course's due-soon lead): no due-soon reminder will be sent`,
    );
  }
  const overdueAt = new Date(dueAt.getTime() + policy.overdueMinutesAfter * MINUTE);
  if (overdueAt.getTime() < now.getTime()) {
    warnings.push(`The due date is in the past: no overdue reminder will be sent (it was due at ${overdueAt.toISOString()})`);
  } else if (past) {
    warnings.push(`The due date is in the past: the overdue reminder goes out at ${overdueAt.toISOString()}`);
  }
  return warnings;
}

/** The warning for students who already had the module assigned before this assignment. */
export function alreadyAssignedWarning(students: number, dueDates: Date[], more: boolean): string | null {
  if (students === 0) return null;
  const dates = dueDates.map((d) => d.toISOString()).join(', ') + (more ? ', …' : '');
  return `${students} ${students === 1 ? 'student already has' : 'students already have'} this module assigned (due ${dates}); they now have it assigned twice`;
}
