import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Conflict, NotFound } from '../../common/errors';
import { CoursesRepository } from './courses.repository';
import { Course } from './entities/course.entity';

/**
 * Who may see and change a course. A course the caller may not see answers 404 (never 403),
 * so its existence does not leak; role refusals (students writing) are 403 via @Roles.
 */
@Injectable()
export class CourseAccess {
  constructor(private readonly courses: CoursesRepository) {}

  /** Admins: all. Instructors: theirs, and others once published. Students: published courses they are enrolled in. */
  async readable(caller: Caller, courseId: string): Promise<Course> {
    const course = await this.courses.findById(courseId);
    if (!course || !(await this.canRead(caller, course))) throw new NotFound('Course');
    return course;
  }

  /** Admins and the course's instructors; the course must not be archived. Pass a manager to lock the course row. */
  async writable(caller: Caller, courseId: string, manager?: EntityManager, options: { allowArchived?: boolean } = {}): Promise<Course> {
    const course = await this.courses.findById(courseId, manager, Boolean(manager));
    if (!course || !(await this.canManage(caller, course))) throw new NotFound('Course');
    if (course.status === 'archived' && !options.allowArchived)
      throw new Conflict('The course is archived and read-only', 'course-archived');
    return course;
  }

  async canManage(caller: Caller, course: Course): Promise<boolean> {
    if (caller.role === 'admin') return true;
    return caller.role === 'instructor' && this.courses.isInstructor(course.id, caller.id);
  }

  private async canRead(caller: Caller, course: Course): Promise<boolean> {
    if (caller.role === 'admin') return true;
    if (caller.role === 'instructor') return course.status !== 'draft' || this.courses.isInstructor(course.id, caller.id);
    return course.status === 'published' && this.courses.isEnrolled(course.id, caller.id);
  }
}
