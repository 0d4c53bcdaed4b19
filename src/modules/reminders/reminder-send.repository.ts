import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { prepared } from '../../common/sql';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import type { SlotFrequency } from '../notifications/email-slots';
import { ReminderKind, ReminderStatus } from './entities/reminder.entity';
import { caseByKind, dedupeKeySql, reminderKind } from './reminder-kinds';
import { LAST_ERROR_MAX } from '../../common/limits';

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
  /** The reminder's key as it would be built today (see `dedupeKeySql`): a different one means the reminder is stale. */
  key_now: string | null;
  /** The user's preference for this kind (null: never set). */
  preference: boolean | null;
  quiet_start: string | null;
  quiet_end: string | null;
  has_preferences: boolean;
  digest_frequency: SlotFrequency;
  digest_hour: number | null;
  digest_weekday: number | null;
}

/** Everything the sender (and a digest, for each of its entries) re-reads about the reminder rows `r`. */
const DUE_AT = effectiveDue('a', 'e');
const QUIET_SINCE = 'COALESCE(e.last_activity_at, e.activated_at, e.created_at)';
const KEY_PARTS = { enrolment: 'e.id', assignment: 'a.id', dueAt: DUE_AT, quietSince: QUIET_SINCE };

export const SEND_CONTEXT = `
       SELECT r.id, r.kind, r.status, r.dedupe_key, r.scheduled_for, r.attempts, r.subject, r.body_text, r.body_html,
              u.id AS user_id, u.email, u.name AS user_name, u.timezone, u.is_active AS user_active, (u.password_hash IS NOT NULL) AS has_password,
              e.id AS enrolment_id, e.status AS enrolment_status,
              c.id AS course_id, c.title AS course_title, c.slug AS course_slug, c.status AS course_status,
              a.id AS assignment_id, (a.cancelled_at IS NOT NULL) AS assignment_cancelled,
              CASE WHEN a.id IS NULL THEN NULL ELSE ${appliesTo('a', 'e')} END AS assignment_applies,
              m.id AS module_id, m.title AS module_title,
              CASE WHEN a.id IS NULL THEN NULL ELSE ${DUE_AT} END AS due_at,
              CASE WHEN a.id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id) END AS module_done,
              (SELECT count(*)::int FROM items i JOIN modules mm ON mm.id = i.module_id WHERE mm.course_id = c.id AND i.required) - e.completed_required AS outstanding_required,
              ${QUIET_SINCE} AS quiet_since,
              ${caseByKind('r.kind', (kind) => dedupeKeySql(kind, KEY_PARTS))} AS key_now,
              ${caseByKind('r.kind', (kind) => `p.${reminderKind(kind).preferenceColumn}`)} AS preference,
              p.quiet_start, p.quiet_end, (p.user_id IS NOT NULL) AS has_preferences,
              COALESCE(p.digest_frequency, 'off') AS digest_frequency, p.digest_hour, p.digest_weekday
       FROM r
       JOIN users u ON u.id = r.user_id
       JOIN enrolments e ON e.id = r.enrolment_id
       JOIN courses c ON c.id = e.course_id
       LEFT JOIN assignments a ON a.id = r.assignment_id
       LEFT JOIN modules m ON m.id = a.module_id
       LEFT JOIN notification_preferences p ON p.user_id = u.id`;

/** The send state machine: queued → sending (claimed with a lease) → sent, skipped, deferred (scheduled again) or failed. */
@Injectable()
export class ReminderSendRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    await this.dataSource.query(`UPDATE reminders SET subject = $2, body_text = $3, body_html = $4, message_id = $5 WHERE id = $1`, [
      id,
      mail.subject,
      mail.text,
      mail.html,
      mail.messageId,
    ]);
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
    await prepared(
      this.dataSource,
      'reminders.mark-skipped',
      `UPDATE reminders SET status = 'skipped', skip_reason = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [id, reason],
    );
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
      [id, error.slice(0, LAST_ERROR_MAX), final ? 'failed' : 'queued'],
    );
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

  async status(id: string): Promise<ReminderStatus | null> {
    const [row]: Array<{ status: ReminderStatus }> = await this.dataSource.query('SELECT status FROM reminders WHERE id = $1', [id]);
    return row?.status ?? null;
  }
}
