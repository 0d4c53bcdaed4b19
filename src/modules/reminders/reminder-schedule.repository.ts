import { randomUUID } from 'crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { returningRows } from '../../common/sql';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { dedupeKeySql } from './reminder-kinds';

/** The parts of the assignment kinds' dedupe keys, as columns of `targets`. */
const ASSIGNMENT_KEY = { assignment: 't.assignment_id', enrolment: 't.enrolment_id', dueAt: 't.due_at' };
const QUIET_SINCE = 'COALESCE(e.last_activity_at, e.activated_at, e.created_at)';

export type CancelReason = 'cancelled' | 'rescheduled';

/** A new assignment's notices before they are written (see `planNotices`). */
export interface PlannedNotices {
  /** The transaction writing them (`pg_current_xact_id()`). */
  xid: string;
  ids: string[];
  enrolmentIds: string[];
}

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
       SELECT 'welcome', e.user_id, e.id, ${dedupeKeySql('welcome', { enrolment: 'e.id' })}, $3
       FROM unnest($1::uuid[], $2::uuid[]) AS e(id, user_id)
       ON CONFLICT (enrolment_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [enrolments.map((e) => e.id), enrolments.map((e) => e.userId), at],
    );
    return rows.length;
  }

  /**
   * A new assignment's notices, planned before they are written: which enrolments get one, the id
   * each will have, and the writing transaction (`xid`), so their jobs can be queued while the
   * rows are still being written. A sender that meets such a job before the commit waits for it.
   */
  async planNotices(manager: EntityManager, assignmentId: string): Promise<PlannedNotices> {
    const [row]: Array<{ xid: string; enrolment_ids: string[] }> = await manager.query(
      `SELECT pg_current_xact_id()::text AS xid, COALESCE(array_agg(e.id), '{}') AS enrolment_ids
       FROM assignments a JOIN enrolments e ON e.course_id = a.course_id AND e.status IN ('invited', 'active')
       WHERE a.id = $1 AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}`,
      [assignmentId],
    );
    return { xid: row.xid, enrolmentIds: row.enrolment_ids, ids: row.enrolment_ids.map(() => randomUUID()) };
  }

  /**
   * The reminders that assignments imply for enrolments, in one statement: the `assignment` notice
   * (now, unless `notices` is 'none'), `due_soon` before and `overdue` after the due date that
   * applies (per the course's reminderPolicy). Reminders whose time has passed are not created.
   * Scope by assignments, by enrolments, or both.
   *
   * Notices are written `scheduled` for the dispatcher, or, when planned (`planNotices`), `queued`
   * under their planned ids because the caller queues their jobs itself. `newAssignment` skips the
   * conflict check: every key names the assignment, so none can exist yet.
   */
  async scheduleAssignmentReminders(
    manager: EntityManager,
    scope: { assignmentIds?: string[]; enrolmentIds?: string[] },
    now: Date,
    notices: 'none' | 'scheduled' | PlannedNotices,
    options: { newAssignment?: boolean } = {},
  ): Promise<void> {
    const planned = typeof notices === 'object' ? notices : { ids: [], enrolmentIds: [] };
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
         -- A target the plan did not foresee (it appeared since) gets a notice for the dispatcher.
         SELECT COALESCE(p.id, gen_random_uuid()) AS id, 'assignment' AS kind, t.*, ${dedupeKeySql('assignment', ASSIGNMENT_KEY)} AS dedupe_key,
                $3::timestamptz AS at, CASE WHEN p.id IS NULL THEN 'scheduled' ELSE 'queued' END AS status
         FROM targets t LEFT JOIN unnest($5::uuid[], $6::uuid[]) AS p(id, enrolment_id) ON p.enrolment_id = t.enrolment_id
         WHERE $4
         UNION ALL
         SELECT gen_random_uuid(), 'due_soon', t.*, ${dedupeKeySql('due_soon', ASSIGNMENT_KEY)},
                due_at - make_interval(mins => (policy->>'dueSoonMinutesBefore')::int), 'scheduled'
         FROM targets t WHERE (policy->>'dueSoonMinutesBefore')::int > 0
         UNION ALL
         SELECT gen_random_uuid(), 'overdue', t.*, ${dedupeKeySql('overdue', ASSIGNMENT_KEY)},
                due_at + make_interval(mins => (policy->>'overdueMinutesAfter')::int), 'scheduled'
         FROM targets t
       )
       INSERT INTO reminders (id, kind, user_id, enrolment_id, assignment_id, dedupe_key, scheduled_for, status)
       SELECT id, kind, user_id, enrolment_id, assignment_id, dedupe_key, at, status FROM wanted
       WHERE kind = 'assignment' OR at >= $3::timestamptz
       ${
         options.newAssignment
           ? ''
           : `ON CONFLICT (enrolment_id, dedupe_key) DO UPDATE
                SET status = EXCLUDED.status, scheduled_for = EXCLUDED.scheduled_for, skip_reason = NULL, digest_id = NULL, updated_at = now()
                WHERE reminders.status = 'cancelled'`
       }`,
      [scope.assignmentIds ?? null, scope.enrolmentIds ?? null, now, notices !== 'none', planned.ids, planned.enrolmentIds],
    );
  }

  /** One inactivity reminder per quiet period: the key carries the start of the silence. */
  async scheduleInactivity(manager: EntityManager, now: Date): Promise<number> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for)
       SELECT 'inactivity', e.user_id, e.id,
              ${dedupeKeySql('inactivity', { enrolment: 'e.id', quietSince: QUIET_SINCE })}, $1
       FROM enrolments e JOIN courses c ON c.id = e.course_id
       WHERE c.status = 'published' AND e.status IN ('invited', 'active')
         AND ${QUIET_SINCE} < $1::timestamptz - make_interval(days => (c.reminder_policy->>'inactivityDays')::int)
         AND e.completed_required < (SELECT count(*) FROM items i JOIN modules m ON m.id = i.module_id WHERE m.course_id = c.id AND i.required)
       ON CONFLICT (enrolment_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [now],
    );
    return rows.length;
  }

  /** Cancels reminders not yet handed to SMTP (nor to a digest that is going out). Returns how many. */
  async cancelPending(
    manager: EntityManager,
    scope: { assignmentId: string; enrolmentId?: string; kinds?: string[] },
    reason: CancelReason,
  ): Promise<number> {
    const rows = await returningRows(
      manager,
      `UPDATE reminders SET status = 'cancelled', skip_reason = $4, updated_at = now()
       WHERE assignment_id = $1 AND ($2::uuid IS NULL OR enrolment_id = $2) AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
         AND status IN ('scheduled', 'queued', 'held')
       RETURNING id`,
      [scope.assignmentId, scope.enrolmentId ?? null, scope.kinds ?? null, reason],
    );
    return rows.length;
  }
}
