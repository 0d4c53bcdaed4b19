import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { TransactionalRepository } from '../../common/transactional.repository';
import type { Role } from '../users/role';
import { CourseInstructor } from './entities/course-instructor.entity';
import { Course, CourseStatus } from './entities/course.entity';

@Injectable()
export class CoursesRepository extends TransactionalRepository {
  /** With `lock`, the row is locked FOR UPDATE: structural edits of one course are serialised on it. */
  findById(id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<Course | null> {
    const qb = manager.getRepository(Course).createQueryBuilder('c').where('c.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  findBySlug(slug: string): Promise<Course | null> {
    return this.dataSource.getRepository(Course).findOne({ where: { slug } });
  }

  async slugTaken(slug: string, exceptId?: string): Promise<boolean> {
    const qb = this.dataSource.getRepository(Course).createQueryBuilder('c').where('c.slug = :slug', { slug });
    if (exceptId) qb.andWhere('c.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  async insert(manager: EntityManager, course: Partial<Course>): Promise<Course> {
    const result = await manager.getRepository(Course).insert(course);
    return manager.getRepository(Course).findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  async update(manager: EntityManager, id: string, changes: Partial<Course>): Promise<Course> {
    if (Object.keys(changes).length) await manager.getRepository(Course).update({ id }, changes);
    return manager.getRepository(Course).findOneByOrFail({ id });
  }

  async instructorIds(courseIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(courseIds.map((id) => [id, []]));
    if (!courseIds.length) return map;
    const rows = await manager.getRepository(CourseInstructor).find({ where: { courseId: In(courseIds) }, order: { createdAt: 'ASC' } });
    for (const row of rows) map.get(row.courseId)?.push(row.userId);
    return map;
  }

  async isInstructor(courseId: string, userId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(CourseInstructor).count({ where: { courseId, userId } })) > 0;
  }

  /** Enrolled and not dropped. */
  async isEnrolled(courseId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM enrolments WHERE course_id = $1 AND user_id = $2 AND status <> 'dropped' LIMIT 1`,
      [courseId, userId],
    );
    return rows.length > 0;
  }

  async addInstructor(manager: EntityManager, courseId: string, userId: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(CourseInstructor)
      .values({ courseId, userId })
      .orIgnore()
      .returning('course_id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async removeInstructor(manager: EntityManager, courseId: string, userId: string): Promise<boolean> {
    const result = await manager.getRepository(CourseInstructor).delete({ courseId, userId });
    return (result.affected ?? 0) > 0;
  }

  async countInstructors(manager: EntityManager, courseId: string): Promise<number> {
    return manager.getRepository(CourseInstructor).count({ where: { courseId } });
  }

  /** Admins see every course, instructors the ones they teach, students the published ones they are enrolled in. */
  list(caller: { id: string; role: Role }, status: CourseStatus | undefined, after: Keyset | null, limit: number): Promise<Course[]> {
    const qb = this.dataSource.getRepository(Course).createQueryBuilder('c');
    if (caller.role === 'instructor') {
      qb.andWhere('EXISTS (SELECT 1 FROM course_instructors ci WHERE ci.course_id = c.id AND ci.user_id = :uid)', { uid: caller.id });
    } else if (caller.role === 'student') {
      qb.andWhere("c.status = 'published'").andWhere(
        "EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = c.id AND e.user_id = :uid AND e.status <> 'dropped')",
        { uid: caller.id },
      );
    }
    if (status) qb.andWhere('c.status = :status', { status });
    if (after) qb.andWhere('(c.created_at, c.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }
}
