import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { Batcher } from '../../common/batcher';
import { prepared } from '../../common/sql';
import { CourseStructure, CourseStructureCache, StructureModule } from './course-structure.cache';

/** What `POST /items/:id/complete` needs to know about the item and the caller's enrolment. */
export interface ItemContext {
  module_id: string;
  course_status: string;
  rule: 'view' | 'watch' | 'mark_done';
  unlock_at: Date | null;
  enrolment_id: string | null;
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

/** The SQL of progress: raw events, derived item state, per-enrolment counters. */
@Injectable()
export class ProgressRepository {
  /** Course-view reads arriving together share one statement (see Batcher). */
  private readonly viewStates = new Batcher<[userId: string, courseId: string], CourseViewState | undefined>(100, (keys) =>
    this.courseViewStates(keys),
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly structures: CourseStructureCache,
  ) {}

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
    const progress = new Map(
      state.progress.map(([itemId, itemState, percent, positionSeconds, evidenced, coveredPercent, updatedAt]) => [
        itemId,
        { itemState, percent, positionSeconds, evidenced, coveredPercent, updatedAt },
      ]),
    );
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
        return {
          id: i.id,
          required: i.required,
          state: p?.itemState ?? null,
          percent: p?.percent ?? null,
          positionSeconds: p?.positionSeconds ?? null,
          evidenced: p?.evidenced ?? false,
          coveredPercent: p?.coveredPercent ?? null,
          updatedAt: p?.updatedAt ?? null,
        };
      }),
    }));
  }

  /** The callers' state in each course, in the order asked; undefined where not enrolled (or dropped) or the course is a draft. */
  private async courseViewStates(keys: Array<[userId: string, courseId: string]>): Promise<Array<CourseViewState | undefined>> {
    const rows = await this.prepared<CourseViewState & { n: string }>(
      'course-view',
      `SELECT k.n, c.structure_version AS version,
              ARRAY(SELECT mc.module_id FROM module_completions mc WHERE mc.enrolment_id = e.id) AS completed,
              COALESCE((SELECT json_agg(json_build_array(ip.item_id, ip.state, ip.percent, ip.position_seconds,
                                                 (ip.state = 'completed' AND (ip.rule <> 'watch' OR ip.covered_percent >= ip.min_percent)) IS TRUE,
                                                 CASE WHEN ip.rule = 'watch' THEN ip.covered_percent END, ip.updated_at))
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

  /** The student of an enrolment (not dropped) of the course, or undefined. */
  async enrolmentStudent(courseId: string, enrolmentId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<Array<{ user_id: string }>>(
      `SELECT user_id FROM enrolments WHERE id = $1 AND course_id = $2 AND status <> 'dropped'`,
      [enrolmentId, courseId],
    );
    return row?.user_id;
  }

  itemWithEnrolment(itemId: string, userId: string): Promise<ItemContext[]> {
    return this.dataSource.query(
      `SELECT i.module_id, c.status AS course_status, i.completion->>'type' AS rule, m.unlock_at,
              (SELECT e.id FROM enrolments e WHERE e.course_id = m.course_id AND e.user_id = $2 AND e.status <> 'dropped') AS enrolment_id
       FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id WHERE i.id = $1`,
      [itemId, userId],
    );
  }
}

interface CourseViewState {
  version: number;
  completed: string[];
  /** [itemId, state, percent, positionSeconds, evidenced, coveredPercent (watch rules), updatedAt] per item the caller has progress on. */
  progress: Array<[string, 'in_progress' | 'completed', number, number | null, boolean, number | null, string]>;
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
  items: Array<{
    id: string;
    required: boolean;
    state: 'in_progress' | 'completed' | null;
    percent: number | null;
    positionSeconds: number | null;
    /** Completed on server-judged evidence (coverage for watch rules; view and mark_done are their own evidence). */
    evidenced: boolean;
    coveredPercent: number | null;
    updatedAt: string | null;
  }>;
}
