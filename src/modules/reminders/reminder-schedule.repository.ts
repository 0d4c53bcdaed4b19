import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returningRows } from '../../common/sql';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';

export type CancelReason = 'cancelled' | 'rescheduled';

/**
 * Writes and cancels reminder rows inside the caller's transaction. Dedupe keys make each row
 * exist once; a cancelled row whose key comes back (a reschedule back to the same date) revives.
 */
@Injectable()
export class ReminderScheduleRepository {
  /** One `welcome` per enrolment, due now. Returns how many rows were created. */
  async scheduleWelcome(manager: EntityManager, enrolments: Array<{ id: string; userId: string }>, at: Date = new Date()): Promise<number> {
    if (!enrolments.length) return 0;
    const rows: unknown[] = await manager.query(
      `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for)
       SELECT 'welcome', e.user_id, e.id, 'welcome:' || e.id, $3
       FROM unnest($1::uuid[], $2::uuid[]) AS e(id, user_id)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [enrolments.map((e) => e.id), enrolments.map((e) => e.userId), at],
    );
    return rows.length;
  }

  /**
   * The reminders that assignments imply for enrolments, in one statement: the `assignment` notice
   * (now, when `notice`), `due_soon` before and `overdue` after the due date that applies (per the
   * course's reminderPolicy). Reminders whose time has passed are not created. Scope by assignments,
   * by enrolments, or both.
   */
  async scheduleAssignmentReminders(
    manager: EntityManager,
    scope: { assignmentIds?: string[]; enrolmentIds?: string[] },
    now: Date,
    notice: boolean,
  ): Promise<void> {
    // No RETURNING: a course-wide assignment writes tens of thousands of rows, none of which we need back.
    await manager.query(
      `WITH targets AS (
         SELECT a.id AS assignment_id, e.id AS enrolment_id, e.user_id, ${effectiveDue('a', 'e')} AS due_at, c.reminder_policy AS policy
         FROM assignments a
         JOIN courses c ON c.id = a.course_id
         JOIN enrolments e ON e.course_id = a.course_id AND e.status IN ('invited', 'active')
         WHERE a.cancelled_at IS NULL
           AND ($1::uuid[] IS NULL OR a.id = ANY($1::uuid[]))
           AND ($2::uuid[] IS NULL OR e.id = ANY($2::uuid[]))
           AND ${appliesTo('a', 'e')}
       ), wanted AS (
         SELECT 'assignment' AS kind, t.*, 'assignment:' || assignment_id || ':' || enrolment_id AS dedupe_key, $3::timestamptz AS at
         FROM targets t WHERE $4
         UNION ALL
         SELECT 'due_soon', t.*, 'due_soon:' || assignment_id || ':' || enrolment_id || ':' || floor(extract(epoch FROM due_at))::bigint,
                due_at - make_interval(mins => (policy->>'dueSoonMinutesBefore')::int)
         FROM targets t WHERE (policy->>'dueSoonMinutesBefore')::int > 0
         UNION ALL
         SELECT 'overdue', t.*, 'overdue:' || assignment_id || ':' || enrolment_id || ':' || floor(extract(epoch FROM due_at))::bigint,
                due_at + make_interval(mins => (policy->>'overdueMinutesAfter')::int)
         FROM targets t
       )
       INSERT INTO reminders (kind, user_id, enrolment_id, assignment_id, dedupe_key, scheduled_for)
       SELECT kind, user_id, enrolment_id, assignment_id, dedupe_key, at FROM wanted
       WHERE kind = 'assignment' OR at >= $3::timestamptz
       ON CONFLICT (dedupe_key) DO UPDATE
         SET status = 'scheduled', scheduled_for = EXCLUDED.scheduled_for, skip_reason = NULL, updated_at = now()
         WHERE reminders.status = 'cancelled'`,
      [scope.assignmentIds ?? null, scope.enrolmentIds ?? null, now, notice],
    );
  }

  /** Cancels reminders not yet handed to SMTP. Returns how many. */
  async cancelPending(
    manager: EntityManager,
    scope: { assignmentId: string; enrolmentId?: string; kinds?: string[] },
    reason: CancelReason,
  ): Promise<number> {
    const rows = await returningRows(
      manager,
      `UPDATE reminders SET status = 'cancelled', skip_reason = $4, updated_at = now()
       WHERE assignment_id = $1 AND ($2::uuid IS NULL OR enrolment_id = $2) AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
         AND status IN ('scheduled', 'queued')
       RETURNING id`,
      [scope.assignmentId, scope.enrolmentId ?? null, scope.kinds ?? null, reason],
    );
    return rows.length;
  }
}
