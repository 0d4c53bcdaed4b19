import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returningRows } from '../../common/sql';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { DEFAULT_AT_RISK_ALERTS } from '../notifications/alert-schedule';
import type { SlotFrequency } from '../notifications/email-slots';

/** "Far behind": this many percentage points or more under the median of the student's course and cohort. */
export const BEHIND_POINTS = 30;
/** Groups (a course's cohort, or its students without one) smaller than this have no meaningful median and are not compared. */
export const MIN_GROUP_FOR_MEDIAN = 5;

/** An instructor who may get alerts, with their schedule (defaults applied). */
export interface AlertRecipient {
  user_id: string;
  timezone: string;
  frequency: SlotFrequency;
  hour: number;
  weekday: number;
}

export interface ClaimedAlert {
  id: string;
  user_id: string;
  slot_at: Date;
  attempts: number;
}

/** The instructor as the sender re-reads them, preferences applied. */
export interface AlertInstructor {
  id: string;
  email: string;
  name: string;
  timezone: string;
  is_active: boolean;
  frequency: SlotFrequency;
  hour: number;
  weekday: number;
  inactive: boolean;
  overdue: boolean;
  behind: boolean;
}

/** One student at risk in one of the instructor's courses; a null reason does not apply. */
export interface AtRiskStudent {
  course_id: string;
  course_title: string;
  enrolment_id: string;
  name: string;
  email: string;
  cohort_name: string | null;
  percent: number;
  /** Whole days since the student's last activity (inactive with required work left, for the course's inactivityDays). */
  inactive_days: number | null;
  /** Overdue assigned modules, the oldest first. */
  overdue: Array<{ moduleTitle: string; days: number }> | null;
  /** The median percent of the student's group when they are far behind it. */
  behind_median: number | null;
}

const D = DEFAULT_AT_RISK_ALERTS;
const QUIET_SINCE = 'COALESCE(r.last_activity_at, r.activated_at, r.created_at)';

/** at_risk_alerts rows (one per instructor and slot) and the set-based read of who is at risk. */
@Injectable()
export class AtRiskAlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active users who teach a published course and have not turned the alert off. */
  recipients(): Promise<AlertRecipient[]> {
    return this.dataSource.query(
      `SELECT u.id AS user_id, u.timezone,
              COALESCE(p.at_risk_frequency, $1) AS frequency, COALESCE(p.at_risk_hour, $2)::int AS hour, COALESCE(p.at_risk_weekday, $3)::int AS weekday
       FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
       WHERE u.is_active AND COALESCE(p.at_risk_frequency, $1) <> 'off'
         AND EXISTS (SELECT 1 FROM course_instructors ci JOIN courses c ON c.id = ci.course_id WHERE ci.user_id = u.id AND c.status = 'published')`,
      [D.frequency, D.hour, D.weekday],
    );
  }

  /** One row per (instructor, slot); a slot planned again (another worker, the next run) is left as it is. Returns how many are new. */
  async plan(slots: ReadonlyArray<{ userId: string; slotAt: Date }>): Promise<number> {
    if (!slots.length) return 0;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO at_risk_alerts (user_id, slot_at)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[])
       ON CONFLICT (user_id, slot_at) DO NOTHING
       RETURNING id`,
      [slots.map((s) => s.userId), slots.map((s) => s.slotAt)],
    );
    return rows.length;
  }

  /**
   * Claims due alerts: pending → sending with a lease (or a sending row whose lease expired: its
   * sender died). SKIP LOCKED lets several workers share the work; a row goes to one of them.
   */
  claimDue(now: Date, leaseSeconds: number, limit: number): Promise<ClaimedAlert[]> {
    return returningRows(
      this.dataSource,
      `UPDATE at_risk_alerts a SET status = 'sending', attempts = a.attempts + 1, lease_until = $1::timestamptz + make_interval(secs => $2), updated_at = now()
       FROM (SELECT id FROM at_risk_alerts
             WHERE (status = 'pending' OR (status = 'sending' AND lease_until < $1)) AND slot_at <= $1
             ORDER BY slot_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
       WHERE a.id = due.id
       RETURNING a.id, a.user_id, a.slot_at, a.attempts`,
      [now, leaseSeconds, limit],
    );
  }

  async instructor(userId: string): Promise<AlertInstructor | null> {
    const [row]: AlertInstructor[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, u.timezone, u.is_active,
              COALESCE(p.at_risk_frequency, $2) AS frequency, COALESCE(p.at_risk_hour, $6)::int AS hour, COALESCE(p.at_risk_weekday, $7)::int AS weekday,
              COALESCE(p.at_risk_inactive, $3) AS inactive, COALESCE(p.at_risk_overdue, $4) AS overdue, COALESCE(p.at_risk_behind, $5) AS behind
       FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id WHERE u.id = $1`,
      [userId, D.frequency, D.inactive, D.overdue, D.behind, D.hour, D.weekday],
    );
    return row ?? null;
  }

  /**
   * Every student at risk in the published courses `userId` teaches, in one statement. Medians are
   * per course and cohort (students without a cohort form their course's own group), over the
   * group's invited, active and completed enrolments; only invited and active students are listed.
   */
  atRisk(userId: string, now: Date, reasons: { inactive: boolean; overdue: boolean; behind: boolean }): Promise<AtRiskStudent[]> {
    return this.dataSource.query(
      `WITH taught AS (
         SELECT c.id, c.title, COALESCE((c.reminder_policy->>'inactivityDays')::int, 7) AS inactivity_days,
                (SELECT count(*)::int FROM items i JOIN modules m ON m.id = i.module_id WHERE m.course_id = c.id AND i.required) AS required_items
         FROM course_instructors ci JOIN courses c ON c.id = ci.course_id
         WHERE ci.user_id = $1 AND c.status = 'published'
       ), groups AS (
         SELECT e.course_id, e.cohort_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY e.progress_percent) AS median, count(*)::int AS size
         FROM enrolments e JOIN taught t ON t.id = e.course_id
         WHERE e.status IN ('invited', 'active', 'completed')
         GROUP BY e.course_id, e.cohort_id
       ), r AS (
         SELECT e.*, t.title AS course_title, t.inactivity_days, t.required_items, g.median, g.size,
                u.name AS user_name, u.email AS user_email, co.name AS cohort_name
         FROM enrolments e
         JOIN taught t ON t.id = e.course_id
         JOIN users u ON u.id = e.user_id
         JOIN groups g ON g.course_id = e.course_id AND g.cohort_id IS NOT DISTINCT FROM e.cohort_id
         LEFT JOIN cohorts co ON co.id = e.cohort_id
         WHERE e.status IN ('invited', 'active') AND u.is_active
       ), judged AS (
         SELECT r.course_id, r.course_title, r.id AS enrolment_id, r.user_name AS name, r.user_email AS email, r.cohort_name,
                round(r.progress_percent)::int AS percent,
                CASE WHEN $3 AND r.completed_required < r.required_items
                          AND ${QUIET_SINCE} < $2::timestamptz - make_interval(days => r.inactivity_days)
                     THEN floor(extract(epoch FROM $2::timestamptz - ${QUIET_SINCE}) / 86400)::int END AS inactive_days,
                CASE WHEN $4 THEN (
                  SELECT json_agg(json_build_object('moduleTitle', m.title, 'days', floor(extract(epoch FROM $2::timestamptz - d.due_at) / 86400)::int)
                                  ORDER BY d.due_at, m.position)
                  FROM (SELECT a.module_id, min(${effectiveDue('a', 'r')}) AS due_at
                        FROM assignments a
                        WHERE a.course_id = r.course_id AND a.cancelled_at IS NULL AND ${appliesTo('a', 'r')}
                          AND ${effectiveDue('a', 'r')} < $2::timestamptz
                          AND NOT EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = r.id AND mc.module_id = a.module_id)
                        GROUP BY a.module_id) d
                  JOIN modules m ON m.id = d.module_id) END AS overdue,
                CASE WHEN $5 AND r.size >= $7 AND r.progress_percent < r.median - $6 THEN round(r.median)::int END AS behind_median
         FROM r
       )
       SELECT * FROM judged
       WHERE inactive_days IS NOT NULL OR overdue IS NOT NULL OR behind_median IS NOT NULL
       ORDER BY lower(course_title), course_id, lower(name), enrolment_id`,
      [userId, now, reasons.inactive, reasons.overdue, reasons.behind, BEHIND_POINTS, MIN_GROUP_FOR_MEDIAN],
    );
  }

  /** Sent: what went out is recorded. Only the holder of the claim may finish it. */
  async markSent(id: string, now: Date, studentCount: number, messageId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE at_risk_alerts SET status = 'sent', sent_at = $2, student_count = $3, message_id = $4, lease_until = NULL, last_error = NULL, updated_at = now()
       WHERE id = $1 AND status = 'sending'`,
      [id, now, studentCount, messageId],
    );
  }

  async markSkipped(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE at_risk_alerts SET status = 'skipped', skip_reason = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, reason],
    );
  }

  /** A failed attempt: pending again (the next run retries it), or failed for good after the last one. */
  async markAttemptFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE at_risk_alerts SET status = $3, last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, error.slice(0, 2000), final ? 'failed' : 'pending'],
    );
  }
}
