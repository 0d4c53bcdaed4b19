import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { TransactionalRepository } from '../../common/transactional.repository';
import { AssignmentEnrolment } from './entities/assignment-enrolment.entity';
import { AssignmentOverride } from './entities/assignment-override.entity';
import { Assignment } from './entities/assignment.entity';
import { appliesTo, effectiveDue } from './assignment-scope';

export interface MyAssignmentRow {
  assignment_id: string;
  course_id: string;
  course_title: string;
  module_id: string;
  module_title: string;
  due_at: Date;
  done: boolean;
}

@Injectable()
export class AssignmentsRepository extends TransactionalRepository {
  findById(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Assignment | null> {
    const qb = manager.getRepository(Assignment).createQueryBuilder('a').where('a.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  async insert(manager: EntityManager, assignment: Partial<Assignment>, enrolmentIds: string[]): Promise<Assignment> {
    const result = await manager.getRepository(Assignment).insert(assignment);
    const id = result.identifiers[0].id as string;
    if (enrolmentIds.length)
      await manager.getRepository(AssignmentEnrolment).insert(enrolmentIds.map((enrolmentId) => ({ assignmentId: id, enrolmentId })));
    return manager.getRepository(Assignment).findOneByOrFail({ id });
  }

  async update(manager: EntityManager, id: string, changes: Partial<Assignment>): Promise<Assignment> {
    await manager.getRepository(Assignment).update({ id }, changes);
    return manager.getRepository(Assignment).findOneByOrFail({ id });
  }

  /** Ids among `enrolmentIds` that are enrolments of the course. */
  async enrolmentsOfCourse(manager: EntityManager, courseId: string, enrolmentIds: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM enrolments WHERE course_id = $1 AND id = ANY($2::uuid[])`, [
      courseId,
      enrolmentIds,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  async targets(assignmentIds: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(assignmentIds.map((id) => [id, []]));
    if (!assignmentIds.length) return map;
    const rows = await this.dataSource.getRepository(AssignmentEnrolment).find({ where: { assignmentId: In(assignmentIds) } });
    for (const r of rows) map.get(r.assignmentId)?.push(r.enrolmentId);
    return map;
  }

  async overrides(assignmentIds: string[]): Promise<Map<string, AssignmentOverride[]>> {
    const map = new Map<string, AssignmentOverride[]>(assignmentIds.map((id) => [id, []]));
    if (!assignmentIds.length) return map;
    const rows = await this.dataSource
      .getRepository(AssignmentOverride)
      .find({ where: { assignmentId: In(assignmentIds) }, order: { enrolmentId: 'ASC' } });
    for (const r of rows) map.get(r.assignmentId)?.push(r);
    return map;
  }

  async upsertOverride(manager: EntityManager, assignmentId: string, enrolmentId: string, dueAt: Date): Promise<AssignmentOverride | null> {
    const before = await manager.getRepository(AssignmentOverride).findOne({ where: { assignmentId, enrolmentId } });
    await manager.getRepository(AssignmentOverride).upsert({ assignmentId, enrolmentId, dueAt }, ['assignmentId', 'enrolmentId']);
    return before;
  }

  countOverrides(manager: EntityManager, assignmentId: string): Promise<number> {
    return manager.getRepository(AssignmentOverride).count({ where: { assignmentId } });
  }

  async deleteOverride(manager: EntityManager, assignmentId: string, enrolmentId: string): Promise<AssignmentOverride | null> {
    const before = await manager.getRepository(AssignmentOverride).findOne({ where: { assignmentId, enrolmentId } });
    if (before) await manager.getRepository(AssignmentOverride).delete({ assignmentId, enrolmentId });
    return before;
  }

  /**
   * Students the assignment applies to who already have the same module assigned by another
   * active assignment, and the distinct due dates that apply to them there (the first `limit`).
   */
  async alreadyAssigned(
    manager: EntityManager,
    assignmentId: string,
    limit: number,
  ): Promise<{ students: number; dueDates: Date[]; more: boolean }> {
    const rows: Array<{ due_at: Date; students: number; dates: number }> = await manager.query(
      `WITH overlap AS (
         SELECT e.id AS enrolment_id, ${effectiveDue('b', 'e')} AS due_at
         FROM assignments a
         JOIN enrolments e ON e.course_id = a.course_id AND e.status IN ('invited', 'active')
         JOIN assignments b ON b.course_id = a.course_id AND b.module_id = a.module_id AND b.id <> a.id AND b.cancelled_at IS NULL
         WHERE a.id = $1 AND ${appliesTo('a', 'e')} AND ${appliesTo('b', 'e')}
       )
       SELECT d.due_at, (SELECT count(DISTINCT enrolment_id) FROM overlap)::int AS students, count(*) OVER ()::int AS dates
       FROM (SELECT DISTINCT due_at FROM overlap) d ORDER BY d.due_at LIMIT $2`,
      [assignmentId, limit],
    );
    return { students: rows[0]?.students ?? 0, dueDates: rows.map((r) => new Date(r.due_at)), more: (rows[0]?.dates ?? 0) > rows.length };
  }

  /** Whether the assignment applies to the enrolment (as the reminders and /me views see it). */
  async appliesToEnrolment(manager: EntityManager, assignmentId: string, enrolmentId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM assignments a JOIN enrolments e ON e.course_id = a.course_id WHERE a.id = $1 AND e.id = $2 AND ${appliesTo('a', 'e')}`,
      [assignmentId, enrolmentId],
    );
    return rows.length > 0;
  }

  list(courseId: string, includeCancelled: boolean, after: Keyset | null, limit: number): Promise<Assignment[]> {
    const qb = this.dataSource.getRepository(Assignment).createQueryBuilder('a').where('a.course_id = :courseId', { courseId });
    if (!includeCancelled) qb.andWhere('a.cancelled_at IS NULL');
    if (after) qb.andWhere('(a.created_at, a.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /**
   * The caller's assignments in published courses, with the due date that applies and whether the module
   * is done: soonest due first, the first `limit` with the given status (done / overdue at `now` / upcoming) or all.
   */
  mine(userId: string, status: 'done' | 'overdue' | 'upcoming' | null, now: Date, limit: number): Promise<MyAssignmentRow[]> {
    return this.dataSource.query(
      `SELECT * FROM (
         SELECT a.id AS assignment_id, c.id AS course_id, c.title AS course_title, m.id AS module_id, m.title AS module_title,
                ${effectiveDue('a', 'e')} AS due_at,
                EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id) AS done
         FROM enrolments e
         JOIN courses c ON c.id = e.course_id AND c.status = 'published'
         JOIN assignments a ON a.course_id = e.course_id AND a.cancelled_at IS NULL
         JOIN modules m ON m.id = a.module_id
         WHERE e.user_id = $1 AND e.status <> 'dropped' AND ${appliesTo('a', 'e')}
       ) t
       WHERE $2::text IS NULL OR $2 = CASE WHEN t.done THEN 'done' WHEN t.due_at < $3 THEN 'overdue' ELSE 'upcoming' END
       ORDER BY t.due_at, t.assignment_id
       LIMIT $4`,
      [userId, status, now, limit],
    );
  }

  hasOverride(manager: EntityManager, assignmentId: string, enrolmentId: string): Promise<boolean> {
    return manager.getRepository(AssignmentOverride).exists({ where: { assignmentId, enrolmentId } });
  }
}
