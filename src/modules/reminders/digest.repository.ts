import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returningRows } from '../../common/sql';
import type { SlotFrequency } from '../notifications/email-slots';
import { SEND_CONTEXT, SendContext } from './reminder-send.repository';

export interface DigestRow {
  id: string;
  user_id: string;
  slot_at: Date;
  attempts: number;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
}

export interface DigestRecipient {
  email: string;
  name: string;
  timezone: string;
  digest_frequency: SlotFrequency;
  quiet_start: string | null;
  quiet_end: string | null;
  has_preferences: boolean;
}

/**
 * Digests' state machine: pending (open to new entries) → sending (claimed with a lease) → sent,
 * empty (every entry dropped out) or released (the user turned the digest off); a failed attempt goes
 * back to pending for later, or failed after the last. Held reminders leave `held` only with their digest.
 */
@Injectable()
export class DigestRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Holds a reminder the sender has claimed (`sending`) for the user's digest of `slot`, creating
   * the digest if needed, in one statement. Only a pending digest not yet composed takes entries:
   * the row lock of the upsert orders this against the digest's claim, so an entry is either seen
   * by the digest that goes out or joins a later one. The digest id, or null if that slot's digest
   * is already on its way (the caller tries the next slot).
   */
  async hold(reminderId: string, userId: string, slot: Date, scheduledFor: Date): Promise<string | null> {
    const rows = await returningRows<{ id: string }>(
      this.dataSource,
      `WITH d AS (
         INSERT INTO digests (user_id, slot_at, scheduled_for) VALUES ($2, $3, $4)
         ON CONFLICT (user_id, slot_at) DO UPDATE SET updated_at = now()
           WHERE digests.status = 'pending' AND digests.subject IS NULL
         RETURNING id
       )
       UPDATE reminders r SET status = 'held', digest_id = d.id, lease_until = NULL, attempts = GREATEST(r.attempts - 1, 0), updated_at = now()
       FROM d WHERE r.id = $1 AND r.status = 'sending'
       RETURNING d.id`,
      [reminderId, userId, slot, scheduledFor],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Claims one digest that is due (or whose sender's lease expired: it died mid-send), pending or
   * sending → sending with a lease; SKIP LOCKED so several workers share the work. Null when none.
   */
  async claimDue(now: Date, leaseSeconds: number): Promise<DigestRow | null> {
    const rows = await returningRows<DigestRow>(
      this.dataSource,
      `UPDATE digests d SET status = 'sending', attempts = d.attempts + 1, lease_until = $1::timestamptz + make_interval(secs => $2), updated_at = now()
       FROM (SELECT id FROM digests
             WHERE (status = 'pending' AND scheduled_for <= $1) OR (status = 'sending' AND lease_until < $1)
             ORDER BY scheduled_for LIMIT 1 FOR UPDATE SKIP LOCKED) due
       WHERE d.id = due.id
       RETURNING d.id, d.user_id, d.slot_at, d.attempts, d.subject, d.body_text, d.body_html`,
      [now, leaseSeconds],
    );
    return rows[0] ?? null;
  }

  async recipient(userId: string): Promise<DigestRecipient | null> {
    const [row]: Array<DigestRecipient | undefined> = await this.dataSource.query(
      `SELECT u.email, u.name, u.timezone, COALESCE(p.digest_frequency, 'off') AS digest_frequency,
              p.quiet_start, p.quiet_end, (p.user_id IS NOT NULL) AS has_preferences
       FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id WHERE u.id = $1`,
      [userId],
    );
    return row ?? null;
  }

  /** The fresh read of every entry still held by the digest, as the reminder sender reads one. */
  entries(digestId: string): Promise<SendContext[]> {
    return this.dataSource.query(`WITH r AS (SELECT * FROM reminders WHERE digest_id = $1 AND status = 'held') ${SEND_CONTEXT}`, [
      digestId,
    ]);
  }

  /** Entries that dropped out at the digest's re-check, each with its reason. */
  async dropEntries(digestId: string, dropped: Array<{ id: string; reason: string }>): Promise<void> {
    if (!dropped.length) return;
    await this.dataSource.query(
      `UPDATE reminders r SET status = 'skipped', skip_reason = x.reason, updated_at = now()
       FROM unnest($2::uuid[], $3::text[]) AS x(id, reason)
       WHERE r.id = x.id AND r.digest_id = $1 AND r.status = 'held'`,
      [digestId, dropped.map((d) => d.id), dropped.map((d) => d.reason)],
    );
  }

  /** Nothing left to send: the digest ends `empty` (or `released`, its entries back to the dispatcher to go out alone). */
  async close(digestId: string, status: 'empty' | 'released', now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (UPDATE digests SET status = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending' RETURNING id)
       UPDATE reminders r SET status = 'scheduled', scheduled_for = $3, digest_id = NULL, updated_at = now()
       FROM d WHERE $2 = 'released' AND r.digest_id = d.id AND r.status = 'held'`,
      [digestId, status, now],
    );
  }

  /** Quiet hours (or a failed attempt): pending again until `until`. */
  async defer(digestId: string, until: Date, error?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE digests SET status = 'pending', scheduled_for = $2, lease_until = NULL, last_error = $3,
              attempts = CASE WHEN $3::text IS NULL THEN GREATEST(attempts - 1, 0) ELSE attempts END, updated_at = now()
       WHERE id = $1 AND status = 'sending'`,
      [digestId, until, error?.slice(0, 2000) ?? null],
    );
  }

  /** Failed for good (kept for admins to see); its entries are not lost: back to the dispatcher, for the next digest or alone. */
  async markFailed(digestId: string, error: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (UPDATE digests SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1 AND status = 'sending' RETURNING id)
       UPDATE reminders r SET status = 'scheduled', scheduled_for = $3, digest_id = NULL, updated_at = now()
       FROM d WHERE r.digest_id = d.id AND r.status = 'held'`,
      [digestId, error.slice(0, 2000), now],
    );
  }

  /** Composed once: a retry (or a sender after one that died) sends exactly this. */
  async saveRendered(digestId: string, mail: { subject: string; text: string; html: string; messageId: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE digests SET subject = $2, body_text = $3, body_html = $4, message_id = $5, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      [digestId, mail.subject, mail.text, mail.html, mail.messageId],
    );
  }

  /** Sent, and every entry it carries ends `skipped` with reason `digested`, in one statement. Returns how many entries. */
  async markSent(digestId: string, now: Date): Promise<number> {
    const rows = await returningRows(
      this.dataSource,
      `WITH d AS (UPDATE digests SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL, updated_at = now()
                  WHERE id = $1 AND status = 'sending' RETURNING id)
       UPDATE reminders r SET status = 'skipped', skip_reason = 'digested', sent_at = $2, updated_at = now()
       FROM d WHERE r.digest_id = d.id AND r.status = 'held'
       RETURNING r.id`,
      [digestId, now],
    );
    return rows.length;
  }
}
