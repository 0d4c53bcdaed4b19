import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { TransactionalRepository } from '../../common/transactional.repository';
import type { UserSummaryDto } from '../users/dto/user.dto';
import { Cohort } from './entities/cohort.entity';
import { Enrolment, EnrolmentStatus } from './entities/enrolment.entity';

export type EnrolmentWithUser = Enrolment & { user: UserSummaryDto };

export interface MyEnrolmentRow {
  id: string;
  course_id: string;
  course_title: string;
  course_slug: string;
  status: EnrolmentStatus;
  progress_percent: number;
  last_activity_at: Date | null;
  created_at: Date;
}

@Injectable()
export class EnrolmentsRepository extends TransactionalRepository {
  findById(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Enrolment | null> {
    const qb = manager.getRepository(Enrolment).createQueryBuilder('e').where('e.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  findWithUser(id: string, manager: EntityManager = this.dataSource.manager): Promise<EnrolmentWithUser | null> {
    return manager
      .getRepository(Enrolment)
      .createQueryBuilder('e')
      .innerJoin('e.user', 'u')
      .addSelect(['u.id', 'u.name', 'u.email'])
      .where('e.id = :id', { id })
      .getOne() as Promise<EnrolmentWithUser | null>;
  }

  findByCourseAndUser(manager: EntityManager, courseId: string, userId: string): Promise<Enrolment | null> {
    return manager
      .getRepository(Enrolment)
      .createQueryBuilder('e')
      .where('e.course_id = :courseId AND e.user_id = :userId', { courseId, userId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Inserts unless the user is already enrolled; returns the new row or null. */
  async insertIfAbsent(
    manager: EntityManager,
    row: { courseId: string; userId: string; cohortId: string | null },
  ): Promise<Enrolment | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Enrolment)
      .values({ ...row, status: 'invited' })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as Array<{ id: string }>)[0]?.id;
    return id ? manager.getRepository(Enrolment).findOneByOrFail({ id }) : null;
  }

  async update(manager: EntityManager, id: string, changes: Partial<Enrolment>): Promise<void> {
    await manager.getRepository(Enrolment).update({ id }, changes);
  }

  /**
   * Invited → active for every course of the user; returns the activated ids. The rows are locked
   * first, in id order like every progress write locks them: updating them in scan order could
   * deadlock with a batch holding the lower id and waiting for a higher one this had taken.
   */
  async activateInvited(manager: EntityManager, userId: string): Promise<string[]> {
    // An UPDATE answers [rows, count].
    const [rows]: [Array<{ id: string }>, number] = await manager.query(
      `WITH invited AS MATERIALIZED (
         SELECT id FROM enrolments WHERE user_id = $1 AND status = 'invited' ORDER BY id FOR NO KEY UPDATE
       )
       UPDATE enrolments e SET status = 'active', activated_at = now(), updated_at = now()
       FROM invited WHERE e.id = invited.id AND e.status = 'invited' RETURNING e.id`,
      [userId],
    );
    return rows.map((r) => r.id);
  }

  list(
    courseId: string,
    filter: { status?: EnrolmentStatus; cohortId?: string; q?: string },
    after: Keyset | null,
    limit: number,
  ): Promise<EnrolmentWithUser[]> {
    const qb = this.dataSource
      .getRepository(Enrolment)
      .createQueryBuilder('e')
      .innerJoin('e.user', 'u')
      .addSelect(['u.id', 'u.name', 'u.email'])
      .where('e.course_id = :courseId', { courseId });
    if (filter.status) qb.andWhere('e.status = :status', { status: filter.status });
    if (filter.cohortId) qb.andWhere('e.cohort_id = :cohortId', { cohortId: filter.cohortId });
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.email ILIKE :like OR u.name ILIKE :like)', { like });
    }
    if (after) qb.andWhere('(e.created_at, e.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb
      .orderBy('e.created_at', 'ASC')
      .addOrderBy('e.id', 'ASC')
      .limit(limit + 1)
      .getMany() as Promise<EnrolmentWithUser[]>;
  }

  /** The caller's enrolments with course title; percent comes from the progress counters when they exist. */
  /** The user's enrolments in courses past draft, newest first, the first `limit`. */
  mine(userId: string, limit: number): Promise<MyEnrolmentRow[]> {
    return this.dataSource.query(
      `SELECT e.id, e.course_id, c.title AS course_title, c.slug AS course_slug, e.status, e.progress_percent, e.last_activity_at, e.created_at
       FROM enrolments e JOIN courses c ON c.id = e.course_id
       WHERE e.user_id = $1 AND c.status <> 'draft'
       ORDER BY e.created_at DESC, e.id
       LIMIT $2`,
      [userId, limit],
    );
  }

  // Cohorts

  cohortsOf(courseId: string, manager: EntityManager = this.dataSource.manager): Promise<Cohort[]> {
    return manager.getRepository(Cohort).find({ where: { courseId }, order: { name: 'ASC' } });
  }

  countCohorts(manager: EntityManager, courseId: string): Promise<number> {
    return manager.getRepository(Cohort).count({ where: { courseId } });
  }

  findCohort(id: string, manager: EntityManager = this.dataSource.manager): Promise<Cohort | null> {
    return manager.getRepository(Cohort).findOne({ where: { id } });
  }

  async insertCohort(manager: EntityManager, courseId: string, name: string): Promise<Cohort> {
    const result = await manager.getRepository(Cohort).insert({ courseId, name });
    return manager.getRepository(Cohort).findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  async renameCohort(manager: EntityManager, id: string, name: string): Promise<Cohort> {
    await manager.getRepository(Cohort).update({ id }, { name });
    return manager.getRepository(Cohort).findOneByOrFail({ id });
  }

  /**
   * What keeps a cohort from being deleted: its enrolments (any status) and its live assignments,
   * counted, and the first `limit` of each named (read-only look at the assignments' tables).
   */
  async cohortUsage(manager: EntityManager, cohortId: string, limit: number): Promise<CohortUsage> {
    const [counts] = await manager.query<Array<{ enrolments: number; assignments: number }>>(
      `SELECT (SELECT count(*) FROM enrolments WHERE cohort_id = $1)::int AS enrolments,
              (SELECT count(*) FROM assignments WHERE cohort_id = $1 AND cancelled_at IS NULL)::int AS assignments`,
      [cohortId],
    );
    const enrolments = await manager.query<Array<{ email: string; status: string }>>(
      `SELECT u.email, e.status FROM enrolments e JOIN users u ON u.id = e.user_id
       WHERE e.cohort_id = $1 ORDER BY u.email LIMIT $2`,
      [cohortId, limit],
    );
    const assignments = await manager.query<Array<{ moduleTitle: string; dueAt: Date }>>(
      `SELECT m.title AS "moduleTitle", a.due_at AS "dueAt" FROM assignments a JOIN modules m ON m.id = a.module_id
       WHERE a.cohort_id = $1 AND a.cancelled_at IS NULL ORDER BY a.due_at, a.id LIMIT $2`,
      [cohortId, limit],
    );
    return { enrolmentCount: counts.enrolments, assignmentCount: counts.assignments, enrolments, assignments };
  }

  /** Deletes the cohort; its cancelled assignments go with it (foreign key cascade). */
  async deleteCohort(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Cohort).delete({ id });
  }

  /** Creates the named cohorts that are missing (concurrency-safe); returns how many were created. */
  async ensureCohorts(manager: EntityManager, courseId: string, names: string[]): Promise<number> {
    if (!names.length) return 0;
    const rows: unknown[] = await manager.query(
      `INSERT INTO cohorts (course_id, name) SELECT $1, n FROM unnest($2::text[]) AS n ON CONFLICT (course_id, name) DO NOTHING RETURNING id`,
      [courseId, names],
    );
    return rows.length;
  }

  // Bulk import: set-based statements, one per step.

  /** Enrols users not yet enrolled; returns the created enrolments. */
  async insertEnrolments(
    manager: EntityManager,
    courseId: string,
    rows: Array<{ userId: string; cohortId: string | null }>,
  ): Promise<Array<{ id: string; user_id: string }>> {
    if (!rows.length) return [];
    return manager.query(
      `INSERT INTO enrolments (course_id, user_id, cohort_id, status)
       SELECT $1, r.user_id, r.cohort_id, 'invited' FROM unnest($2::uuid[], $3::uuid[]) AS r(user_id, cohort_id)
       ON CONFLICT (course_id, user_id) DO NOTHING RETURNING id, user_id`,
      [courseId, rows.map((r) => r.userId), rows.map((r) => r.cohortId)],
    );
  }
}

export interface CohortUsage {
  enrolmentCount: number;
  assignmentCount: number;
  enrolments: Array<{ email: string; status: string }>;
  assignments: Array<{ moduleTitle: string; dueAt: Date }>;
}
