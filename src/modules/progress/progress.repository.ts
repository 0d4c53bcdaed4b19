import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { Batcher } from '../../common/batcher';
import { prepared } from '../../common/sql';
import { CourseStructure, CourseStructureCache, StructureModule } from './course-structure.cache';

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

export interface AdmissionContext {
  item_id: string;
  module_id: string;
  course_id: string;
  course_status: string;
  unlock_at: Date | null;
  /** The caller's enrolment in the item's course, null when not enrolled. */
  enrolment_id: string | null;
  prerequisites: Array<{ id: string; required: number; completed: boolean }>;
}

export interface AcceptedEvent {
  eventId: string;
  enrolmentId: string;
  itemId: string;
  type: string;
  positionSeconds: number | null;
  percent: number | null;
  watched: string | null;
  /** ISO 8601, as pg sends it to a timestamptz. */
  occurredAt: string;
}

export interface ModuleRequirement {
  module_id: string;
  required: number;
}

/** The events as the eight unnest() columns, in one pass. */
function columns(events: AcceptedEvent[]): unknown[][] {
  const cols: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const e of events) {
    cols[0].push(e.eventId);
    cols[1].push(e.enrolmentId);
    cols[2].push(e.itemId);
    cols[3].push(e.type);
    cols[4].push(e.positionSeconds);
    cols[5].push(e.percent);
    cols[6].push(e.watched);
    cols[7].push(e.occurredAt);
  }
  return cols;
}

/** The SQL of progress: raw events, derived item state, per-enrolment counters. */
@Injectable()
export class ProgressRepository {
  /** Course-view reads arriving together share one statement (see Batcher). */
  private readonly viewStates = new Batcher<[userId: string, courseId: string], CourseViewState | undefined>(100, (keys) => this.courseViewStates(keys));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly structures: CourseStructureCache,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The hot statements (ingestion, the course view) are prepared once per connection (`prepared`). */
  private prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return prepared<T>(this.dataSource, `progress.${name}`, text, values);
  }

  /**
   * Admission context of the items in one round trip: course and module of each item, the
   * caller's enrolment (not dropped) in that course, and each prerequisite of the item's module
   * with how many required items it has and whether that enrolment has completed it.
   */
  admissionContext(userId: string, itemIds: string[]): Promise<AdmissionContext[]> {
    return this.prepared(
      'admission',
      `SELECT i.id AS item_id, i.module_id, m.course_id, c.status AS course_status, m.unlock_at, e.id AS enrolment_id,
              COALESCE((SELECT json_agg(json_build_object(
                         'id', p.prerequisite_id,
                         'required', (SELECT count(*)::int FROM items pi WHERE pi.module_id = p.prerequisite_id AND pi.required),
                         'completed', EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = p.prerequisite_id)))
                        FROM module_prerequisites p WHERE p.module_id = m.id), '[]') AS prerequisites
       FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id
       LEFT JOIN enrolments e ON e.course_id = m.course_id AND e.user_id = $1 AND e.status <> 'dropped'
       WHERE i.id = ANY($2::uuid[])`,
      [userId, itemIds],
    );
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

  /**
   * Statements 1 and 2 in one round trip: the raw events, once per (user, eventId), then derived
   * item state from the events that were new, merged into what is there under the row lock of
   * ON CONFLICT, so concurrent batches never lose segments. Percent only grows (coverage of all
   * watched segments when there are any, else the reported percent); the position is the one with
   * the latest occurredAt; a completed item stays completed. Returns how many events were new and
   * the enrolments they touched.
   */
  async recordEvents(userId: string, events: AcceptedEvent[], now: Date): Promise<{ inserted: number; enrolmentIds: string[] }> {
    if (!events.length) return { inserted: 0, enrolmentIds: [] };
    const [row] = await this.prepared<{ inserted: number; enrolment_ids: string[] }>(
      'record',
      `WITH inserted AS (
         INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::float8[], $7::float8[], $8::nummultirange[], $9::timestamptz[])
         ON CONFLICT (user_id, event_id) DO NOTHING
         RETURNING event_id, enrolment_id, item_id, position_seconds, percent, watched, occurred_at
       ), agg AS (
         SELECT enrolment_id, item_id, max(percent) AS percent, range_agg(watched) AS watched,
                (array_agg(position_seconds ORDER BY occurred_at DESC) FILTER (WHERE position_seconds IS NOT NULL))[1] AS position_seconds,
                max(occurred_at) FILTER (WHERE position_seconds IS NOT NULL) AS position_at
         FROM inserted GROUP BY enrolment_id, item_id
       ), fresh AS (
         SELECT a.*, i.completion->>'type' AS rule, (i.completion->>'minPercent')::float8 AS min_percent, mat.duration_seconds,
                accord_item_percent(0, a.watched, mat.duration_seconds, a.percent) AS new_percent
         FROM agg a JOIN items i ON i.id = a.item_id JOIN materials mat ON mat.id = i.material_id
       ), upserted AS (
         INSERT INTO item_progress (enrolment_id, item_id, state, percent, watched, position_seconds, position_at, rule, min_percent, duration_seconds, completed_at, updated_at)
         SELECT enrolment_id, item_id,
                CASE WHEN rule = 'view' OR (rule = 'watch' AND new_percent >= min_percent) THEN 'completed' ELSE 'in_progress' END,
                new_percent, watched, position_seconds, position_at, rule, min_percent, duration_seconds,
                CASE WHEN rule = 'view' OR (rule = 'watch' AND new_percent >= min_percent) THEN $10::timestamptz END, $10
         FROM fresh
         ON CONFLICT (enrolment_id, item_id) DO UPDATE SET
           -- The merged segments and percent, computed once per row (coverage is the costly part; OFFSET 0 keeps the subquery from being inlined into each use).
           (watched, percent, state, completed_at) = (
             SELECT merged.watched, merged.percent,
                    CASE WHEN item_progress.state = 'completed' OR EXCLUDED.state = 'completed' OR (EXCLUDED.rule = 'watch' AND merged.percent >= EXCLUDED.min_percent)
                      THEN 'completed' ELSE 'in_progress' END,
                    CASE WHEN item_progress.completed_at IS NOT NULL THEN item_progress.completed_at
                      WHEN EXCLUDED.state = 'completed' OR (EXCLUDED.rule = 'watch' AND merged.percent >= EXCLUDED.min_percent) THEN EXCLUDED.updated_at END
             FROM (SELECT u.watched, accord_item_percent(item_progress.percent, u.watched, EXCLUDED.duration_seconds, EXCLUDED.percent) AS percent
                   FROM (SELECT accord_union(item_progress.watched, EXCLUDED.watched) AS watched) u OFFSET 0) merged
           ),
           position_seconds = CASE WHEN EXCLUDED.position_at IS NOT NULL AND (item_progress.position_at IS NULL OR EXCLUDED.position_at > item_progress.position_at)
             THEN EXCLUDED.position_seconds ELSE item_progress.position_seconds END,
           position_at = GREATEST(item_progress.position_at, EXCLUDED.position_at),
           rule = EXCLUDED.rule, min_percent = EXCLUDED.min_percent, duration_seconds = EXCLUDED.duration_seconds,
           updated_at = EXCLUDED.updated_at
       )
       SELECT count(*)::int AS inserted, COALESCE(array_agg(DISTINCT enrolment_id), '{}') AS enrolment_ids FROM inserted`,
      [userId, ...columns(events), now],
    );
    return { inserted: row.inserted, enrolmentIds: row.enrolment_ids };
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
    await this.prepared(
      'refresh',
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
       FROM totals t
       WHERE e.id = ANY($1::uuid[]) AND e.id = t.enrolment_id -- by key, not by a scan of every enrolment`,
      [enrolmentIds, now],
    );
  }

  // Reads for GET /me/courses/:id/progress

  /**
   * The student's view of a course: the caller's state (completed modules, item progress rows, due
   * date per module) laid over the course structure cached by version. Null when the caller is not
   * enrolled (or dropped) or the course is a draft.
   */
  async courseView(userId: string, courseId: string): Promise<CourseViewRow[] | null> {
    const state = await this.viewStates.load([userId, courseId]);
    if (!state) return null;
    const structure = await this.structures.get(courseId, state.version, (id) => this.courseStructure(id));
    if (!structure) return null;
    const completed = new Set(state.completed);
    const progress = new Map(state.progress.map(([itemId, itemState, percent, positionSeconds]) => [itemId, { itemState, percent, positionSeconds }]));
    const due = new Map(state.due.map(([moduleId, dueAt]) => [moduleId, dueAt]));
    return structure.modules.map((m) => ({
      id: m.id,
      title: m.title,
      unlock_at: m.unlockAt,
      prerequisites: m.prerequisites,
      completed: completed.has(m.id),
      due_at: due.has(m.id) ? new Date(due.get(m.id)!) : null,
      items: m.items.map((i) => {
        const p = progress.get(i.id);
        return { id: i.id, required: i.required, state: p?.itemState ?? null, percent: p?.percent ?? null, positionSeconds: p?.positionSeconds ?? null };
      }),
    }));
  }

  /** The callers' state in each course, in the order asked; undefined where not enrolled (or dropped) or the course is a draft. */
  private async courseViewStates(keys: Array<[userId: string, courseId: string]>): Promise<Array<CourseViewState | undefined>> {
    const rows = await this.prepared<CourseViewState & { n: string }>(
      'course-view',
      `SELECT k.n, c.structure_version AS version,
              ARRAY(SELECT mc.module_id FROM module_completions mc WHERE mc.enrolment_id = e.id) AS completed,
              COALESCE((SELECT json_agg(json_build_array(ip.item_id, ip.state, ip.percent, ip.position_seconds))
                        FROM item_progress ip WHERE ip.enrolment_id = e.id), '[]') AS progress,
              COALESCE((SELECT json_agg(json_build_array(d.module_id, d.due_at)) FROM (
                          SELECT a.module_id, min(${effectiveDue('a', 'e')}) AS due_at FROM assignments a
                          WHERE a.course_id = e.course_id AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}
                          GROUP BY a.module_id) d), '[]') AS due
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(user_id, course_id, n)
       JOIN enrolments e ON e.user_id = k.user_id AND e.course_id = k.course_id
       JOIN courses c ON c.id = e.course_id
       WHERE e.status <> 'dropped' AND c.status <> 'draft'`,
      [keys.map(([userId]) => userId), keys.map(([, courseId]) => courseId)],
    );
    const found = new Map(rows.map((row) => [Number(row.n), row]));
    return keys.map((_, i) => found.get(i + 1));
  }

  /** Modules (with prerequisites) and items of a course in position order, and the version they belong to. */
  private async courseStructure(courseId: string): Promise<CourseStructure | null> {
    const [row] = await this.prepared<{ version: number; modules: Array<Omit<StructureModule, 'unlockAt'> & { unlockAt: string | null }> }>(
      'course-structure',
      `SELECT c.structure_version AS version,
              COALESCE((SELECT json_agg(json_build_object(
                          'id', m.id, 'title', m.title, 'unlockAt', m.unlock_at,
                          'prerequisites', ARRAY(SELECT p.prerequisite_id FROM module_prerequisites p WHERE p.module_id = m.id ORDER BY p.prerequisite_id),
                          'items', COALESCE((SELECT json_agg(json_build_object('id', i.id, 'required', i.required) ORDER BY i.position)
                                             FROM items i WHERE i.module_id = m.id), '[]')) ORDER BY m.position)
                        FROM modules m WHERE m.course_id = c.id), '[]') AS modules
       FROM courses c WHERE c.id = $1`,
      [courseId],
    );
    if (!row) return null;
    return { version: row.version, modules: row.modules.map((m) => ({ ...m, unlockAt: m.unlockAt ? new Date(m.unlockAt) : null })) };
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

interface CourseViewState {
  version: number;
  completed: string[];
  /** [itemId, state, percent, positionSeconds] per item the caller has progress on. */
  progress: Array<[string, 'in_progress' | 'completed', number, number | null]>;
  /** [moduleId, dueAt] per module with an assignment that applies to the caller. */
  due: Array<[string, string]>;
}

export interface CourseViewRow {
  id: string;
  title: string;
  unlock_at: Date | null;
  prerequisites: string[];
  completed: boolean;
  due_at: Date | null;
  items: Array<{ id: string; required: boolean; state: 'in_progress' | 'completed' | null; percent: number | null; positionSeconds: number | null }>;
}
