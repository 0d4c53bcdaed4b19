import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The tables that grow with use, and the column that dates their oldest row (null: kept as long as what it belongs to). */
export const STORAGE_TABLES = {
  progress_events: 'received_at',
  item_progress: null,
  module_completions: null,
  enrolments: null,
  users: null,
  reminders: 'created_at',
  audit_log: 'created_at',
} as const;
export type StorageTable = keyof typeof STORAGE_TABLES;

export interface TableStorage {
  table: StorageTable;
  total_bytes: number;
  row_estimate: number;
  oldest_at: Date | null;
}

const FINISHED = `status IN ('sent', 'skipped', 'cancelled')`;
const HAS_BODY = `(subject IS NOT NULL OR body_text IS NOT NULL OR body_html IS NOT NULL)`;

/** Table sizes for the admin endpoint and /metrics, and the batched deletes of the retention job. */
@Injectable()
export class StorageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Size on disk with indexes and TOAST, the planner's row estimate (no count(*) scan), and the oldest row by an indexed column. */
  async tables(): Promise<TableStorage[]> {
    const oldest = Object.entries(STORAGE_TABLES).map(
      ([table, column]) => `(${column ? `SELECT min(${column}) FROM ${table}` : 'NULL::timestamptz'})`,
    );
    const rows = await this.dataSource.query<
      Array<{ table: StorageTable; total_bytes: string; row_estimate: string; oldest_at: Date | null }>
    >(
      `SELECT t.name AS table, pg_total_relation_size(c.oid) AS total_bytes, GREATEST(c.reltuples, 0)::bigint AS row_estimate, t.oldest_at
       FROM unnest($1::text[], ARRAY[${oldest.join(', ')}]::timestamptz[]) WITH ORDINALITY AS t(name, oldest_at, ord)
       JOIN pg_class c ON c.oid = to_regclass(t.name)
       ORDER BY t.ord`,
      [Object.keys(STORAGE_TABLES)],
    );
    return rows.map((r) => ({ ...r, total_bytes: Number(r.total_bytes), row_estimate: Number(r.row_estimate) }));
  }

  /** Deletes up to `limit` raw progress events received before `before`, oldest first (progress_events_received_idx). */
  async deleteEventsBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (SELECT user_id, event_id FROM progress_events WHERE received_at < $1 ORDER BY received_at LIMIT $2),
            gone AS (DELETE FROM progress_events p USING doomed d WHERE p.user_id = d.user_id AND p.event_id = d.event_id RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
  }

  /** Empties subject and bodies of up to `limit` finished reminders last changed before `before` (reminders_finished_body_idx). */
  async stripReminderBodiesBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (SELECT id FROM reminders WHERE ${FINISHED} AND ${HAS_BODY} AND updated_at < $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            done AS (UPDATE reminders r SET subject = NULL, body_text = NULL, body_html = NULL FROM doomed d WHERE r.id = d.id RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [before, limit],
    );
  }

  /** Deletes up to `limit` finished reminders last changed before `before` (reminders_finished_idx). */
  async deleteRemindersBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (SELECT id FROM reminders WHERE ${FINISHED} AND updated_at < $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            gone AS (DELETE FROM reminders r USING doomed d WHERE r.id = d.id RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
  }

  /** Deletes up to `limit` audit entries written before `before` (audit_log_created_idx). */
  async deleteAuditBefore(before: Date, limit: number): Promise<number> {
    return this.count(
      `WITH doomed AS (SELECT id FROM audit_log WHERE created_at < $1 ORDER BY created_at LIMIT $2),
            gone AS (DELETE FROM audit_log a USING doomed d WHERE a.id = d.id RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
  }

  /** Session-level advisory lock, so two workers never run retention at once (released by `unlock`). */
  async withLock<T>(run: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('accord.retention')) AS locked`)) as Array<{
        locked: boolean;
      }>;
      if (!locked) return null;
      try {
        return await run();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('accord.retention'))`);
      }
    } finally {
      await runner.release();
    }
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(sql, params);
    return row.n;
  }
}
