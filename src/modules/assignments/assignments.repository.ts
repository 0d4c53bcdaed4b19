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

export interface DueDateRow extends MyAssignmentRow {
  course_slug: string;
  cancelled_at: Date | null;
  revision: number;
  /** When this due date last changed (the assignment, or the student's override). */
  changed_at: Date;
}

/** A student's due dates ($1 user id, $2 whether cancelled assignments are kept), unordered. */
const STUDENT_DUE_DATES = `
  SELECT a.id AS assignment_id, c.id AS course_id, c.title AS course_title, c.slug AS course_slug,
         m.id AS module_id, m.title AS module_title,
         ${effectiveDue('a', 'e')} AS due_at,
         EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id) AS done,
         a.cancelled_at, a.revision,
         GREATEST(a.updated_at, (SELECT o.updated_at FROM assignment_overrides o WHERE o.assignment_id = a.id AND o.enrolment_id = e.id)) AS changed_at
  FROM enrolments e
  JOIN courses c ON c.id = e.course_id AND c.status = 'published'
  JOIN assignments a ON a.course_id = e.course_id AND ($2::boolean OR a.cancelled_at IS NULL)
  JOIN modules m ON m.id = a.module_id
  WHERE e.user_id = $1 AND e.status <> 'dropped' AND ${appliesTo('a', 'e')}`;

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

  /** Counts one more change of the assignment's due dates (the calendar feed's SEQUENCE). */
  async bumpRevision(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE assignments SET revision = revision + 1, updated_at = now() WHERE id = $1`, [id]);
  }

  /**
   * The caller's assignments in published courses, with the due date that applies and whether the module
   * is done: soonest due first, the first `limit` with the given status (done / overdue at `now` / upcoming) or all.
   */
  mine(userId: string, status: 'done' | 'overdue' | 'upcoming' | null, now: Date, limit: number): Promise<MyAssignmentRow[]> {
    return this.dataSource.query(
      `SELECT * FROM (${STUDENT_DUE_DATES}) t
       WHERE $3::text IS NULL OR $3 = CASE WHEN t.done THEN 'done' WHEN t.due_at < $4 THEN 'overdue' ELSE 'upcoming' END
       ORDER BY t.due_at, t.assignment_id
       LIMIT $5`,
      [userId, false, status, now, limit],
    );
  }

  /**
   * The due dates a student has: assignments of the published courses they are enrolled in (not
   * dropped) that apply to them, with their override applied. /me/assignments and the calendar
   * feed both read them here; the feed keeps cancelled ones (to cancel its events).
   */
  studentDueDates(userId: string, includeCancelled: boolean): Promise<DueDateRow[]> {
    return this.dataSource.query(`${STUDENT_DUE_DATES} ORDER BY due_at, a.id`, [userId, includeCancelled]);
  }

  /** The due dates of the assignments of every course the user teaches (the assignment's own date). */
  taughtDueDates(userId: string): Promise<DueDateRow[]> {
    return this.dataSource.query(
      `SELECT a.id AS assignment_id, c.id AS course_id, c.title AS course_title, c.slug AS course_slug,
              m.id AS module_id, m.title AS module_title, a.due_at, false AS done,
              a.cancelled_at, a.revision, a.updated_at AS changed_at
       FROM course_instructors ci
       JOIN courses c ON c.id = ci.course_id
       JOIN assignments a ON a.course_id = c.id
       JOIN modules m ON m.id = a.module_id
       WHERE ci.user_id = $1
       ORDER BY a.due_at, a.id`,
      [userId],
    );
  }

  hasOverride(manager: EntityManager, assignmentId: string, enrolmentId: string): Promise<boolean> {
    return manager.getRepository(AssignmentOverride).exists({ where: { assignmentId, enrolmentId } });
  }
}
