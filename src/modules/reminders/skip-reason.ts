import type { SkipCheck } from './reminder-kinds';
import { reminderKind } from './reminder-kinds';
import type { SendContext } from './reminder-send.repository';

/** Whether each of a kind's checks (see `SkipCheck`) fails on this read, and the reason it gives. */
const FAILED_CHECK: Record<SkipCheck, (ctx: SendContext) => string | null> = {
  'assignment-live': (ctx) => (!ctx.assignment_id || ctx.assignment_cancelled || !ctx.assignment_applies ? 'cancelled' : null),
  'due-date-kept': (ctx) => (ctx.due_at && ctx.key_now !== ctx.dedupe_key ? 'rescheduled' : null),
  'module-open': (ctx) => (ctx.module_done ? 'completed' : null),
  'course-open': (ctx) => (ctx.enrolment_status === 'completed' || ctx.outstanding_required <= 0 ? 'completed' : null),
  // Active again since the nudge was planned: that quiet period is over.
  'still-quiet': (ctx) => (ctx.key_now !== ctx.dedupe_key ? 'cancelled' : null),
};

/** Why a reminder should not go out now, or null to send it. Pure: decided from a fresh read. */
export function skipReason(ctx: SendContext): string | null {
  if (!ctx.user_active) return 'deactivated';
  if (ctx.enrolment_status === 'dropped') return 'dropped';
  if (ctx.course_status === 'archived') return 'cancelled';
  for (const check of reminderKind(ctx.kind).checks) {
    const reason = FAILED_CHECK[check](ctx);
    if (reason) return reason;
  }
  if (ctx.preference === false) return 'opted_out';
  return null;
}
