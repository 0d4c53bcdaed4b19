import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { Batcher } from '../../common/batcher';
import type { MaterialKind } from '../materials/dto/material.dto';
import { prepared } from '../../common/sql';
import { CourseStructure, CourseStructureCache, StructureModule } from './course-structure.cache';

/** The student's view of a course (GET /me/courses/:id/progress and the instructor drill-down). */
@Injectable()
export class CourseViewRepository {
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
    const materials = new Map(
      state.materials.map(([itemId, id, title, kind, url, durationSeconds, captionsUrl]) => [
        itemId,
        { id, title, kind, url, durationSeconds, captionsUrl },
      ]),
    );
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
          material: materials.get(i.id) ?? null,
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
                          GROUP BY a.module_id) d), '[]') AS due,
              -- Read with the state, not cached with the structure: a material's edits do not bump structure_version.
              COALESCE((SELECT json_agg(json_build_array(i.id, mat.id, mat.title, mat.kind, mat.url, mat.duration_seconds, mat.captions_url))
                        FROM modules m JOIN items i ON i.module_id = m.id JOIN materials mat ON mat.id = i.material_id
                        WHERE m.course_id = e.course_id), '[]') AS materials
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
}

interface CourseViewState {
  version: number;
  completed: string[];
  /** [itemId, state, percent, positionSeconds, evidenced, coveredPercent (watch rules), updatedAt] per item the caller has progress on. */
  progress: Array<[string, 'in_progress' | 'completed', number, number | null, boolean, number | null, string]>;
  /** [moduleId, dueAt] per module with an assignment that applies to the caller. */
  due: Array<[string, string]>;
  /** [itemId, materialId, title, kind, url, durationSeconds, captionsUrl] per item of the course. */
  materials: Array<[string, string, string, MaterialKind, string, number | null, string | null]>;
}

/** What a player needs of an item's material. */
export interface CourseViewMaterial {
  id: string;
  title: string;
  kind: MaterialKind;
  url: string;
  durationSeconds: number | null;
  captionsUrl: string | null;
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
    /** Null only when the item was added after the structure was read. */
    material: CourseViewMaterial | null;
    state: 'in_progress' | 'completed' | null;
    percent: number | null;
    positionSeconds: number | null;
    /** Completed on server-judged evidence (coverage for watch rules; view and mark_done are their own evidence). */
    evidenced: boolean;
    coveredPercent: number | null;
    updatedAt: string | null;
  }>;
}
