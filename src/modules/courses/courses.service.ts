import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput } from '../../common/errors';
import { INSTRUCTORS_PER_COURSE_MAX } from '../../common/limits';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { slugify, uniqueSlug } from '../../common/slug';
import { AuditService } from '../audit/audit.service';
import { UserAccounts } from '../users/user-accounts';
import { CourseAccess } from './course-access';
import { CoursesRepository } from './courses.repository';
import { CourseDto, CourseQuery, CreateCourseDto, UpdateCourseDto } from './dto/course.dto';
import { Course, DEFAULT_REMINDER_POLICY } from './entities/course.entity';
import { CourseModule } from './entities/course-module.entity';
import { StructureRepository } from './structure.repository';

const snapshot = (c: Course) => ({
  slug: c.slug,
  title: c.title,
  status: c.status,
  timezone: c.timezone,
  reminderPolicy: c.reminderPolicy,
});
const actor = (caller: Caller, requestId?: string) => ({ actorId: caller.id, requestId });

@Injectable()
export class CoursesService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly access: CourseAccess,
    private readonly users: UserAccounts,
    private readonly audit: AuditService,
    private readonly structure: StructureRepository,
    private readonly clock: Clock,
  ) {}

  /** Seeding: the course with this slug, if any. */
  findBySlug(slug: string): Promise<Course | null> {
    return this.courses.findBySlug(slug);
  }

  /** For assignments: the module, read inside the caller's transaction. */
  findModule(id: string, manager?: EntityManager): Promise<CourseModule | null> {
    return this.structure.findModule(id, manager);
  }

  async create(input: CreateCourseDto, caller: Caller, requestId?: string): Promise<CourseDto> {
    if (input.slug && (await this.courses.slugTaken(input.slug))) throw new Conflict(`The slug ${input.slug} is taken`, 'slug-taken');
    const slug = input.slug ?? (await uniqueSlug(slugify(input.title), (slug) => this.courses.slugTaken(slug)));
    const course = await this.courses.transaction(async (manager) => {
      const created = await this.courses.insert(manager, {
        slug,
        title: input.title,
        description: input.description ?? '',
        timezone: input.timezone ?? 'UTC',
        reminderPolicy: { ...DEFAULT_REMINDER_POLICY, ...input.reminderPolicy },
        createdBy: caller.id,
      });
      await this.courses.addInstructor(manager, created.id, caller.id);
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.created',
        entity: 'course',
        entityId: created.id,
        after: snapshot(created),
      });
      return created;
    });
    return this.dto(course);
  }

  async list(caller: Caller, query: CourseQuery): Promise<Page<CourseDto>> {
    const limit = pageLimit(query);
    const rows = await this.courses.list(caller, query.status, decodeCursor(query.cursor), limit);
    const instructors = await this.courses.instructorIds(rows.map((c) => c.id));
    return toPage(
      rows,
      limit,
      (c) => ({ at: c.createdAt.toISOString(), id: c.id }),
      (c) => CourseDto.from(c, instructors.get(c.id) ?? []),
    );
  }

  async get(caller: Caller, id: string): Promise<CourseDto> {
    return this.dto(await this.access.readable(caller, id));
  }

  async update(caller: Caller, id: string, input: UpdateCourseDto, requestId?: string): Promise<CourseDto> {
    if (input.slug && (await this.courses.slugTaken(input.slug, id))) throw new Conflict(`The slug ${input.slug} is taken`, 'slug-taken');
    const course = await this.courses.transaction(async (manager) => {
      const before = await this.access.writable(caller, id, manager);
      const changes: Partial<Course> = {};
      if (input.title !== undefined) changes.title = input.title;
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.description !== undefined) changes.description = input.description;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.reminderPolicy !== undefined) changes.reminderPolicy = { ...before.reminderPolicy, ...input.reminderPolicy };
      const after = await this.courses.update(manager, id, changes);
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.updated',
        entity: 'course',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return this.dto(course);
  }

  /** draft → published; publishing a published course changes nothing. */
  async publish(caller: Caller, id: string, requestId?: string): Promise<CourseDto> {
    const course = await this.courses.transaction(async (manager) => {
      const before = await this.access.writable(caller, id, manager);
      if (before.status === 'published') return before;
      const after = await this.courses.update(manager, id, { status: 'published', publishedAt: this.clock.now() });
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.published',
        entity: 'course',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return this.dto(course);
  }

  /** → archived (read-only from then on); archiving again changes nothing. */
  async archive(caller: Caller, id: string, requestId?: string): Promise<CourseDto> {
    const course = await this.courses.transaction(async (manager) => {
      const before = await this.access.writable(caller, id, manager, { allowArchived: true });
      if (before.status === 'archived') return before;
      const after = await this.courses.update(manager, id, { status: 'archived', archivedAt: this.clock.now() });
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.archived',
        entity: 'course',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return this.dto(course);
  }

  /**
   * archived → published when it had been published (publishedAt is kept), else → draft.
   * Reminders are not re-planned: the ones that fell due while archived were skipped for good.
   */
  async unarchive(caller: Caller, id: string, requestId?: string): Promise<CourseDto> {
    const course = await this.courses.transaction(async (manager) => {
      const before = await this.access.writable(caller, id, manager, { allowArchived: true });
      if (before.status !== 'archived') throw new Conflict(`The course is ${before.status}, not archived`, 'course-not-archived');
      const after = await this.courses.update(manager, id, { status: before.publishedAt ? 'published' : 'draft', archivedAt: null });
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.unarchived',
        entity: 'course',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return this.dto(course);
  }

  async addInstructor(caller: Caller, id: string, userId: string, requestId?: string): Promise<CourseDto> {
    const course = await this.courses.transaction(async (manager) => {
      const course = await this.access.writable(caller, id, manager);
      const user = await this.users.findById(userId, manager);
      if (!user || !user.isActive)
        throw new InvalidInput('No active user has this id', [{ field: 'userId', message: 'userId is not an active user' }]);
      if (user.role === 'student')
        throw new InvalidInput('Only instructors and admins can teach a course', [{ field: 'userId', message: 'the user is a student' }]);
      if (await this.courses.addInstructor(manager, id, userId)) {
        if ((await this.courses.countInstructors(manager, id)) > INSTRUCTORS_PER_COURSE_MAX)
          throw new Conflict(`A course has at most ${INSTRUCTORS_PER_COURSE_MAX} instructors`, 'too-many-instructors');
        await this.audit.record(manager, {
          ...actor(caller, requestId),
          action: 'course.instructor_added',
          entity: 'course',
          entityId: id,
          after: { userId },
        });
      }
      return course;
    });
    return this.dto(course);
  }

  async removeInstructor(caller: Caller, id: string, userId: string, requestId?: string): Promise<void> {
    await this.courses.transaction(async (manager) => {
      await this.access.writable(caller, id, manager);
      if (!(await this.courses.removeInstructor(manager, id, userId))) return;
      if ((await this.courses.countInstructors(manager, id)) === 0)
        throw new Conflict('A course keeps at least one instructor', 'last-instructor');
      await this.audit.record(manager, {
        ...actor(caller, requestId),
        action: 'course.instructor_removed',
        entity: 'course',
        entityId: id,
        before: { userId },
      });
    });
  }

  private async dto(course: Course): Promise<CourseDto> {
    const instructors = await this.courses.instructorIds([course.id]);
    return CourseDto.from(course, instructors.get(course.id) ?? []);
  }
}
