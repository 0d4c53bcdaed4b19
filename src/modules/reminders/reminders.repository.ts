import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { prepared, returningRows } from '../../common/sql';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { Reminder, ReminderKind, ReminderStatus } from './entities/reminder.entity';

/** Everything the sender re-reads before deciding, in one query. */
export interface SendContext {
  id: string;
  kind: ReminderKind;
  status: ReminderStatus;
  dedupe_key: string;
  scheduled_for: Date;
  attempts: number;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  user_id: string;
  email: string;
  user_name: string;
  timezone: string;
  user_active: boolean;
  has_password: boolean;
  enrolment_id: string;
  enrolment_status: string;
  course_id: string;
  course_title: string;
  course_slug: string;
  course_status: string;
  assignment_id: string | null;
  assignment_cancelled: boolean | null;
  assignment_applies: boolean | null;
  module_id: string | null;
  module_title: string | null;
  due_at: Date | null;
  module_done: boolean | null;
  outstanding_required: number;
  quiet_since: Date;
  pref_welcome: boolean | null;
  pref_assignment: boolean | null;
  pref_due_soon: boolean | null;
  pref_overdue: boolean | null;
  pref_inactivity: boolean | null;
  quiet_start: string | null;
  quiet_end: string | null;
  has_preferences: boolean;
}

/** Everything the sender re-reads about the reminder rows `r`. */
const SEND_CONTEXT = `
       SELECT r.id, r.kind, r.status, r.dedupe_key, r.scheduled_for, r.attempts, r.subject, r.body_text, r.body_html,
              u.id AS user_id, u.email, u.name AS user_name, u.timezone, u.is_active AS user_active, (u.password_hash IS NOT NULL) AS has_password,
              e.id AS enrolment_id, e.status AS enrolment_status,
              c.id AS course_id, c.title AS course_title, c.slug AS course_slug, c.status AS course_status,
              a.id AS assignment_id, (a.cancelled_at IS NOT NULL) AS assignment_cancelled,
              CASE WHEN a.id IS NULL THEN NULL ELSE ${appliesTo('a', 'e')} END AS assignment_applies,
              m.id AS module_id, m.title AS module_title,
              CASE WHEN a.id IS NULL THEN NULL ELSE ${effectiveDue('a', 'e')} END AS due_at,
              CASE WHEN a.id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id) END AS module_done,
              (SELECT count(*)::int FROM items i JOIN modules mm ON mm.id = i.module_id WHERE mm.course_id = c.id AND i.required) - e.completed_required AS outstanding_required,
              COALESCE(e.last_activity_at, e.activated_at, e.created_at) AS quiet_since,
              p.welcome AS pref_welcome, p.assignment AS pref_assignment, p.due_soon AS pref_due_soon, p.overdue AS pref_overdue, p.inactivity AS pref_inactivity,
              p.quiet_start, p.quiet_end, (p.user_id IS NOT NULL) AS has_preferences
       FROM r
       JOIN users u ON u.id = r.user_id
       JOIN enrolments e ON e.id = r.enrolment_id
       JOIN courses c ON c.id = e.course_id
       LEFT JOIN assignments a ON a.id = r.assignment_id
       LEFT JOIN modules m ON m.id = a.module_id
       LEFT JOIN notification_preferences p ON p.user_id = u.id`;

export type ReminderListRow = Reminder & { user: { id: string; name: string; email: string } };

@Injectable()
export class RemindersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims due rows for the queue: scheduled → queued, FOR UPDATE SKIP LOCKED so several
   * dispatchers share the work without taking the same row.
   */
  claimDue(until: Date, limit: number): Promise<Array<{ id: string; scheduled_for: Date }>> {
    return returningRows(
      this.dataSource,
      `UPDATE reminders r SET status = 'queued', updated_at = now()
       FROM (SELECT id FROM reminders WHERE status = 'scheduled' AND scheduled_for <= $1 ORDER BY scheduled_for LIMIT $2 FOR UPDATE SKIP LOCKED) due
       WHERE r.id = due.id
       RETURNING r.id, r.scheduled_for`,
      [until, limit],
    );
  }

  /** Back to scheduled (the queue could not take them, or their job is gone). */
  async release(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await returningRows(
      this.dataSource,
      `UPDATE reminders SET status = 'scheduled', lease_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending') RETURNING id`,
      [ids],
    );
    return rows.length;
  }

  /** Queued rows older than `olderThan`, and sending rows whose lease has expired: candidates for the reconciler. */
  stranded(now: Date, olderThan: Date, limit: number): Promise<Array<{ id: string; status: string }>> {
    return this.dataSource.query(
      `SELECT id, status FROM reminders
       WHERE (status = 'queued' AND updated_at < $2) OR (status = 'sending' AND lease_until < $1)
       ORDER BY updated_at LIMIT $3`,
      [now, olderThan, limit],
    );
  }

  /**
   * The send guard and the fresh read in one round trip: queued → sending with a lease (or a
   * sending row whose lease expired: its sender died). Only one caller can win; the others get [].
   */
  claimAndRead(id: string, now: Date, leaseSeconds: number): Promise<SendContext[]> {
    return prepared<SendContext>(
      this.dataSource,
      'reminders.claim-and-read',
      `WITH r AS (
         UPDATE reminders SET status = 'sending', attempts = attempts + 1, lease_until = $2::timestamptz + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND lease_until < $2))
         RETURNING *
       )
       ${SEND_CONTEXT}`,
      [id, now, leaseSeconds],
    );
  }

  async saveRendered(id: string, mail: { subject: string; text: string; html: string; messageId: string }): Promise<void> {
    await this.dataSource.query(`UPDATE reminders SET subject = $2, body_text = $3, body_html = $4, message_id = $5 WHERE id = $1`, [id, mail.subject, mail.text, mail.html, mail.messageId]);
  }

  /** Sent: the row keeps exactly what went out. */
  async markSent(id: string, now: Date, mail: { subject: string; text: string; html: string; messageId: string }): Promise<void> {
    await prepared(
      this.dataSource,
      'reminders.mark-sent',
      `UPDATE reminders SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL, subject = $3, body_text = $4, body_html = $5, message_id = $6, updated_at = now()
       WHERE id = $1 AND status = 'sending'`,
      [id, now, mail.subject, mail.text, mail.html, mail.messageId],
    );
  }

  async markSkipped(id: string, reason: string): Promise<void> {
    await prepared(this.dataSource, 'reminders.mark-skipped', `UPDATE reminders SET status = 'skipped', skip_reason = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`, [id, reason]);
  }

  /** Quiet hours: back to scheduled for the end of the window; the dispatcher takes it then. */
  async defer(id: string, until: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE reminders SET status = 'scheduled', scheduled_for = $2, lease_until = NULL, attempts = GREATEST(attempts - 1, 0), updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, until],
    );
  }

  /** A failed attempt: queued again for BullMQ's retry, or failed for good after the last one. */
  async markAttemptFailed(id: string, error: string, final: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE reminders SET status = $3, last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, error.slice(0, 2000), final ? 'failed' : 'queued'],
    );
  }

  async markFailed(ids: string[], error: string): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.query(
      `UPDATE reminders SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')`,
      [ids, error],
    );
  }

  /** Admin retry of a failed reminder. */
  async retry(id: string, now: Date): Promise<boolean> {
    const rows = await returningRows(
      this.dataSource,
      `UPDATE reminders SET status = 'scheduled', scheduled_for = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'failed' RETURNING id`,
      [id, now],
    );
    return rows.length === 1;
  }

  /**
   * 'in progress', 'committed' or 'aborted'; null when PostgreSQL no longer knows (or never knew)
   * the transaction. 'committed' only once new snapshots see it: a commit is recorded a moment
   * before it becomes visible. Any other failure (a lost connection, a pool timeout) is thrown,
   * so the job is retried rather than dropped.
   */
  async transactionState(xid: string): Promise<'in progress' | 'committed' | 'aborted' | null> {
    try {
      const [row]: Array<{ state: 'in progress' | 'committed' | 'aborted' | null; visible: boolean }> = await prepared(
        this.dataSource,
        'reminders.transaction-state',
        `SELECT pg_xact_status($1::xid8) AS state, pg_visible_in_snapshot($1::xid8, pg_current_snapshot()) AS visible`,
        [xid],
      );
      return row.state === 'committed' && !row.visible ? 'in progress' : row.state;
    } catch (error) {
      // 22P02: not an xid; 22023: an xid "in the future" of this cluster (another cluster's job).
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (code === '22P02' || code === '22023') return null;
      throw error;
    }
  }

  findById(id: string): Promise<Reminder | null> {
    return this.dataSource.getRepository(Reminder).findOne({ where: { id } });
  }

  /** One inactivity reminder per quiet period: the key carries the start of the silence. */
  async scheduleInactivity(now: Date): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for)
       SELECT 'inactivity', e.user_id, e.id,
              'inactivity:' || e.id || ':' || floor(extract(epoch FROM COALESCE(e.last_activity_at, e.activated_at, e.created_at)))::bigint, $1
       FROM enrolments e JOIN courses c ON c.id = e.course_id
       WHERE c.status = 'published' AND e.status IN ('invited', 'active')
         AND COALESCE(e.last_activity_at, e.activated_at, e.created_at) < $1::timestamptz - make_interval(days => (c.reminder_policy->>'inactivityDays')::int)
         AND e.completed_required < (SELECT count(*) FROM items i JOIN modules m ON m.id = i.module_id WHERE m.course_id = c.id AND i.required)
       ON CONFLICT (enrolment_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [now],
    );
    return rows.length;
  }

  list(filter: { courseId?: string; status?: ReminderStatus; kind?: ReminderKind }, after: Keyset | null, limit: number): Promise<ReminderListRow[]> {
    const qb = this.dataSource.getRepository(Reminder).createQueryBuilder('r').innerJoin('r.user', 'u').addSelect(['u.id', 'u.name', 'u.email']);
    if (filter.courseId) qb.innerJoin('r.enrolment', 'e').andWhere('e.course_id = :courseId', { courseId: filter.courseId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.kind) qb.andWhere('r.kind = :kind', { kind: filter.kind });
    if (after) qb.andWhere('(r.created_at, r.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb.orderBy('r.created_at', 'ASC').addOrderBy('r.id', 'ASC').limit(limit + 1).getMany() as Promise<ReminderListRow[]>;
  }

  findWithUser(id: string): Promise<ReminderListRow | null> {
    return this.dataSource
      .getRepository(Reminder)
      .createQueryBuilder('r')
      .innerJoin('r.user', 'u')
      .addSelect(['u.id', 'u.name', 'u.email'])
      .where('r.id = :id', { id })
      .getOne() as Promise<ReminderListRow | null>;
  }

  /** For /metrics: counts by kind and status, and send latency quantiles over the last hour. */
  counts(): Promise<Array<{ kind: string; status: string; n: number }>> {
    return this.dataSource.query(`SELECT kind, status, count(*)::int AS n FROM reminders GROUP BY kind, status`);
  }

  latency(since: Date): Promise<Array<{ p50: number | null; p95: number | null; p99: number | null; n: number }>> {
    return this.dataSource.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY s) AS p99, count(*)::int AS n
       FROM (SELECT GREATEST(extract(epoch FROM sent_at - scheduled_for), 0) AS s FROM reminders WHERE status = 'sent' AND sent_at >= $1) x`,
      [since],
    );
  }
}
