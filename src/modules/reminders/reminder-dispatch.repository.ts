import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returningRows } from '../../common/sql';

/** Hand-over between PostgreSQL and the queue: dispatch claims, the reconciler's reads and releases, and the admin retry. */
@Injectable()
export class ReminderDispatchRepository {
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
}
