import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { prepared } from '../../common/sql';

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

/** What admitting progress needs to know: an item's course, module, lock state and the caller's enrolment. */
@Injectable()
export class ProgressAdmissionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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

  itemWithEnrolment(itemId: string, userId: string): Promise<ItemContext[]> {
    return this.dataSource.query(
      `SELECT i.module_id, c.status AS course_status, i.completion->>'type' AS rule, m.unlock_at,
              (SELECT e.id FROM enrolments e WHERE e.course_id = m.course_id AND e.user_id = $2 AND e.status <> 'dropped') AS enrolment_id
       FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id WHERE i.id = $1`,
      [itemId, userId],
    );
  }
}
