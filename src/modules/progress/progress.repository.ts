import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';

export interface ItemContext {
  item_id: string;
  module_id: string;
  course_id: string;
  course_status: string;
  rule: 'view' | 'watch' | 'mark_done';
  min_percent: number | null;
  required: boolean;
  duration_seconds: number | null;
  unlock_at: Date | null;
}

export interface EnrolmentContext {
  id: string;
  course_id: string;
  status: string;
}

export interface AcceptedEvent {
  eventId: string;
  enrolmentId: string;
  itemId: string;
  type: string;
  positionSeconds: number | null;
  percent: number | null;
  watched: string | null;
  occurredAt: Date;
}

export interface ModuleRequirement {
  module_id: string;
  required: number;
}

/** The SQL of progress: raw events, derived item state, per-enrolment counters. */
@Injectable()
export class ProgressRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  itemsContext(itemIds: string[]): Promise<ItemContext[]> {
    return this.dataSource.query(
      `SELECT i.id AS item_id, i.module_id, m.course_id, c.status AS course_status, i.completion->>'type' AS rule,
              (i.completion->>'minPercent')::float8 AS min_percent, i.required, mat.duration_seconds, m.unlock_at
       FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id JOIN materials mat ON mat.id = i.material_id
       WHERE i.id = ANY($1::uuid[])`,
      [itemIds],
    );
  }

  /** The user's enrolments (not dropped) in these courses. */
  enrolmentsOf(userId: string, courseIds: string[]): Promise<EnrolmentContext[]> {
    return this.dataSource.query(`SELECT id, course_id, status FROM enrolments WHERE user_id = $1 AND course_id = ANY($2::uuid[]) AND status <> 'dropped'`, [userId, courseIds]);
  }

  /** (enrolment, module) pairs already completed. */
  async completions(enrolmentIds: string[]): Promise<Set<string>> {
    const rows: Array<{ enrolment_id: string; module_id: string }> = await this.dataSource.query(
      `SELECT enrolment_id, module_id FROM module_completions WHERE enrolment_id = ANY($1::uuid[])`,
      [enrolmentIds],
    );
    return new Set(rows.map((r) => `${r.enrolment_id}:${r.module_id}`));
  }

  /** Prerequisites of the modules, with how many required items each prerequisite has. */
  prerequisites(moduleIds: string[]): Promise<Array<{ module_id: string; prerequisite_id: string; required: number }>> {
    return this.dataSource.query(
      `SELECT p.module_id, p.prerequisite_id, (SELECT count(*)::int FROM items i WHERE i.module_id = p.prerequisite_id AND i.required) AS required
       FROM module_prerequisites p WHERE p.module_id = ANY($1::uuid[])`,
      [moduleIds],
    );
  }

  /** Statement 1: the raw events, once per (user, eventId). Returns the ids that were new. */
  async insertEvents(userId: string, events: AcceptedEvent[]): Promise<Set<string>> {
    if (!events.length) return new Set();
    const rows: Array<{ event_id: string }> = await this.dataSource.query(
      `INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::float8[], $7::float8[], $8::nummultirange[], $9::timestamptz[])
       ON CONFLICT (user_id, event_id) DO NOTHING
       RETURNING event_id`,
      [
        userId,
        events.map((e) => e.eventId),
        events.map((e) => e.enrolmentId),
        events.map((e) => e.itemId),
        events.map((e) => e.type),
        events.map((e) => e.positionSeconds),
        events.map((e) => e.percent),
        events.map((e) => e.watched),
        events.map((e) => e.occurredAt),
      ],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * Statement 2: derived item state from the new events, merged into what is there under the row
   * lock of ON CONFLICT, so concurrent batches never lose segments. Percent only grows (coverage
   * of all watched segments when there are any, else the reported percent); the position is the
   * one with the latest occurredAt; a completed item stays completed.
   */
  async upsertItemProgress(events: AcceptedEvent[], now: Date): Promise<void> {
    if (!events.length) return;
    await this.dataSource.query(
      `WITH ev AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::float8[], $5::float8[], $6::nummultirange[], $7::timestamptz[])
           AS e(enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at)
       ), agg AS (
         SELECT enrolment_id, item_id, max(percent) AS percent, range_agg(watched) AS watched,
                (array_agg(position_seconds ORDER BY occurred_at DESC) FILTER (WHERE position_seconds IS NOT NULL))[1] AS position_seconds,
                max(occurred_at) FILTER (WHERE position_seconds IS NOT NULL) AS position_at
         FROM ev GROUP BY enrolment_id, item_id
       ), fresh AS (
         SELECT a.*, i.completion->>'type' AS rule, (i.completion->>'minPercent')::float8 AS min_percent, mat.duration_seconds,
                accord_item_percent(0, a.watched, mat.duration_seconds, a.percent) AS new_percent
         FROM agg a JOIN items i ON i.id = a.item_id JOIN materials mat ON mat.id = i.material_id
       )
       INSERT INTO item_progress (enrolment_id, item_id, state, percent, watched, position_seconds, position_at, rule, min_percent, duration_seconds, completed_at, updated_at)
       SELECT enrolment_id, item_id,
              CASE WHEN rule = 'view' OR (rule = 'watch' AND new_percent >= min_percent) THEN 'completed' ELSE 'in_progress' END,
              new_percent, watched, position_seconds, position_at, rule, min_percent, duration_seconds,
              CASE WHEN rule = 'view' OR (rule = 'watch' AND new_percent >= min_percent) THEN $8::timestamptz END, $8
       FROM fresh
       ON CONFLICT (enrolment_id, item_id) DO UPDATE SET
         watched = accord_union(item_progress.watched, EXCLUDED.watched),
         percent = accord_item_percent(item_progress.percent, accord_union(item_progress.watched, EXCLUDED.watched), EXCLUDED.duration_seconds, EXCLUDED.percent),
         state = CASE
           WHEN item_progress.state = 'completed' OR EXCLUDED.state = 'completed'
             OR (EXCLUDED.rule = 'watch' AND accord_item_percent(item_progress.percent, accord_union(item_progress.watched, EXCLUDED.watched), EXCLUDED.duration_seconds, EXCLUDED.percent) >= EXCLUDED.min_percent)
           THEN 'completed' ELSE 'in_progress' END,
         completed_at = CASE
           WHEN item_progress.completed_at IS NOT NULL THEN item_progress.completed_at
           WHEN EXCLUDED.state = 'completed'
             OR (EXCLUDED.rule = 'watch' AND accord_item_percent(item_progress.percent, accord_union(item_progress.watched, EXCLUDED.watched), EXCLUDED.duration_seconds, EXCLUDED.percent) >= EXCLUDED.min_percent)
           THEN EXCLUDED.updated_at END,
         position_seconds = CASE WHEN EXCLUDED.position_at IS NOT NULL AND (item_progress.position_at IS NULL OR EXCLUDED.position_at > item_progress.position_at)
           THEN EXCLUDED.position_seconds ELSE item_progress.position_seconds END,
         position_at = GREATEST(item_progress.position_at, EXCLUDED.position_at),
         rule = EXCLUDED.rule, min_percent = EXCLUDED.min_percent, duration_seconds = EXCLUDED.duration_seconds,
         updated_at = EXCLUDED.updated_at`,
      [
        events.map((e) => e.enrolmentId),
        events.map((e) => e.itemId),
        events.map((e) => e.type),
        events.map((e) => e.positionSeconds),
        events.map((e) => e.percent),
        events.map((e) => e.watched),
        events.map((e) => e.occurredAt),
        now,
      ],
    );
  }

  /** `POST /items/:id/complete` for mark_done items. */
  async markDone(enrolmentId: string, itemId: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, completed_at, updated_at)
       VALUES ($1, $2, 'completed', 100, 'mark_done', $3, $3)
       ON CONFLICT (enrolment_id, item_id) DO UPDATE SET state = 'completed', percent = 100,
         completed_at = COALESCE(item_progress.completed_at, EXCLUDED.completed_at), updated_at = EXCLUDED.updated_at`,
      [enrolmentId, itemId, now],
    );
  }

  /**
   * Statement 3: per-enrolment counters, module completions and enrolment state for the touched
   * enrolments: invited → active on first progress, → completed when every module is.
   */
  async refreshEnrolments(enrolmentIds: string[], now: Date): Promise<void> {
    if (!enrolmentIds.length) return;
    await this.dataSource.query(
      `WITH req AS (
         SELECT e.id AS enrolment_id, m.id AS module_id,
                count(i.id) FILTER (WHERE i.required) AS required,
                count(ip.item_id) FILTER (WHERE i.required AND ip.state = 'completed') AS done
         FROM enrolments e
         JOIN modules m ON m.course_id = e.course_id
         LEFT JOIN items i ON i.module_id = m.id
         LEFT JOIN item_progress ip ON ip.enrolment_id = e.id AND ip.item_id = i.id
         WHERE e.id = ANY($1::uuid[])
         GROUP BY e.id, m.id
       ), completed_modules AS (
         INSERT INTO module_completions (enrolment_id, module_id, completed_at)
         SELECT enrolment_id, module_id, $2 FROM req WHERE done >= required
         ON CONFLICT DO NOTHING
       ), totals AS (
         SELECT enrolment_id, sum(required)::int AS required, sum(done)::int AS done, bool_and(done >= required) AS all_done
         FROM req GROUP BY enrolment_id
       )
       UPDATE enrolments e SET
         completed_required = t.done,
         progress_percent = CASE WHEN t.required > 0 THEN 100.0 * t.done / t.required ELSE 0 END,
         last_activity_at = GREATEST(e.last_activity_at, $2),
         status = CASE WHEN e.status IN ('invited', 'active') AND t.all_done AND t.required > 0 THEN 'completed'
                       WHEN e.status = 'invited' THEN 'active' ELSE e.status END,
         activated_at = COALESCE(e.activated_at, $2),
         completed_at = CASE WHEN e.status IN ('invited', 'active') AND t.all_done AND t.required > 0 THEN $2 ELSE e.completed_at END,
         updated_at = now()
       FROM totals t WHERE e.id = t.enrolment_id`,
      [enrolmentIds, now],
    );
  }

  // Reads for GET /me/courses/:id/progress

  enrolmentFor(userId: string, courseId: string): Promise<Array<{ id: string; completed_required: number; status: string }>> {
    return this.dataSource.query(
      `SELECT e.id, e.completed_required, e.status FROM enrolments e JOIN courses c ON c.id = e.course_id
       WHERE e.user_id = $1 AND e.course_id = $2 AND e.status <> 'dropped' AND c.status <> 'draft'`,
      [userId, courseId],
    );
  }

  /**
   * Everything the student's course view needs in one round trip: modules with items (rule,
   * required, this enrolment's item state), prerequisites, completions and the due date per module.
   */
  courseView(enrolmentId: string, courseId: string): Promise<CourseViewRow[]> {
    return this.dataSource.query(
      `SELECT m.id, m.title, m.position, m.unlock_at,
              COALESCE((SELECT array_agg(p.prerequisite_id) FROM module_prerequisites p WHERE p.module_id = m.id), '{}') AS prerequisites,
              EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = $1 AND mc.module_id = m.id) AS completed,
              (SELECT min(${effectiveDue('a', 'e')}) FROM assignments a, enrolments e
                WHERE e.id = $1 AND a.module_id = m.id AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}) AS due_at,
              COALESCE((SELECT json_agg(json_build_object('id', i.id, 'required', i.required, 'state', ip.state, 'percent', ip.percent, 'positionSeconds', ip.position_seconds) ORDER BY i.position)
                        FROM items i LEFT JOIN item_progress ip ON ip.item_id = i.id AND ip.enrolment_id = $1
                        WHERE i.module_id = m.id), '[]') AS items
       FROM modules m WHERE m.course_id = $2 ORDER BY m.position`,
      [enrolmentId, courseId],
    );
  }

  itemWithEnrolment(itemId: string, userId: string): Promise<Array<ItemContext & { enrolment_id: string | null }>> {
    return this.dataSource.query(
      `SELECT i.id AS item_id, i.module_id, m.course_id, c.status AS course_status, i.completion->>'type' AS rule, i.required, m.unlock_at,
              (SELECT e.id FROM enrolments e WHERE e.course_id = m.course_id AND e.user_id = $2 AND e.status <> 'dropped') AS enrolment_id
       FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id WHERE i.id = $1`,
      [itemId, userId],
    );
  }
}

export interface CourseViewRow {
  id: string;
  title: string;
  position: number;
  unlock_at: Date | null;
  prerequisites: string[];
  completed: boolean;
  due_at: Date | null;
  items: Array<{ id: string; required: boolean; state: 'in_progress' | 'completed' | null; percent: number | null; positionSeconds: number | null }>;
}
