import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound } from '../../common/errors';
import { MY_LIST_MAX, OVERRIDES_PER_ASSIGNMENT_MAX } from '../../common/limits';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { CourseAccess } from '../courses/course-access';
import { CoursesService } from '../courses/courses.service';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import { ReminderQueue } from '../reminders/reminder-queue';
import { ReminderScheduleService } from '../reminders/reminder-schedule.service';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentDto, AssignmentQuery, CreateAssignmentDto, MyAssignmentDto, MyAssignmentStatus } from './dto/assignment.dto';
import { Assignment } from './entities/assignment.entity';
import { alreadyAssignedWarning, dueDateWarnings } from './due-warnings';

const DUE_KINDS = ['due_soon', 'overdue'];

/** One due date in a user's calendar feed. */
export interface CalendarEntry {
  assignmentId: string;
  courseId: string;
  /** The user's own due date as a student; false: a due date of a course they teach. */
  asStudent: boolean;
  courseTitle: string;
  courseSlug: string;
  moduleId: string;
  moduleTitle: string;
  dueAt: Date;
  cancelled: boolean;
  /** Grows with every change of the assignment's due dates: the event's SEQUENCE. */
  revision: number;
  changedAt: Date;
}

/**
 * Assignments of modules with due dates. Every change writes its audit row and, in the same
 * transaction, the reminder rows it implies (or cancels the pending ones it replaces).
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly access: CourseAccess,
    private readonly courses: CoursesService,
    private readonly enrolments: EnrolmentsService,
    private readonly reminders: ReminderScheduleService,
    private readonly queue: ReminderQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, courseId: string, input: CreateAssignmentDto, requestId?: string): Promise<AssignmentDto> {
    const now = this.clock.now();
    let handingOver: Promise<void> = Promise.resolve();
    const warnings: string[] = [];
    const id = await this.assignments
      .transaction(async (manager) => {
        const course = await this.access.writable(caller, courseId, manager);
        const module = await this.courses.findModule(input.moduleId, manager);
        if (!module || module.courseId !== courseId)
          throw new InvalidInput('The module is not a module of this course', [
            { field: 'moduleId', message: 'moduleId is not a module of this course' },
          ]);
        const { target } = input;
        if (target.type === 'cohort') {
          const cohort = await this.enrolments.findCohort(target.cohortId!, manager);
          if (!cohort || cohort.courseId !== courseId)
            throw new InvalidInput('The cohort is not a cohort of this course', [
              { field: 'target.cohortId', message: 'not a cohort of this course' },
            ]);
        }
        const enrolmentIds = target.type === 'enrolments' ? target.enrolmentIds! : [];
        if (enrolmentIds.length) {
          const known = await this.assignments.enrolmentsOfCourse(manager, courseId, enrolmentIds);
          const unknown = enrolmentIds.filter((e) => !known.has(e));
          if (unknown.length)
            throw new InvalidInput(`Not enrolments of this course: ${unknown.slice(0, 5).join(', ')}`, [
              { field: 'target.enrolmentIds', message: `${unknown.length} id(s) are not enrolments of this course` },
            ]);
        }
        const created = await this.assignments.insert(
          manager,
          {
            courseId,
            moduleId: module.id,
            dueAt: new Date(input.dueAt),
            targetType: target.type,
            cohortId: target.type === 'cohort' ? target.cohortId! : null,
            createdBy: caller.id,
          },
          enrolmentIds,
        );
        // The notices are due now: their jobs are queued while the rows are written (senders that
        // get there first wait for this transaction), rather than at the next dispatch.
        warnings.push(...dueDateWarnings(new Date(input.dueAt), course.reminderPolicy, now));
        const overlap = await this.assignments.alreadyAssigned(manager, created.id, 5);
        const twice = alreadyAssignedWarning(overlap.students, overlap.dueDates, overlap.more);
        if (twice) warnings.push(twice);
        const notices = await this.reminders.planNotices(manager, created.id);
        handingOver = this.queue.handOver(notices.ids, now, notices.xid);
        await this.reminders.scheduleAssignmentReminders(manager, { assignmentIds: [created.id] }, now, notices, { newAssignment: true });
        await this.audit.record(manager, {
          actorId: caller.id,
          requestId,
          action: 'assignment.created',
          entity: 'assignment',
          entityId: created.id,
          after: { courseId, moduleId: module.id, dueAt: input.dueAt, target },
        });
        return created.id;
      })
      .finally(() => handingOver);
    return { ...(await this.dto(id)), warnings };
  }

  async list(caller: Caller, courseId: string, query: AssignmentQuery): Promise<Page<AssignmentDto>> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const limit = pageLimit(query);
    const rows = await this.assignments.list(courseId, query.includeCancelled === 'true', decodeCursor(query.cursor), limit);
    const dtos = await this.dtos(rows);
    return toPage(
      rows.map((r, i) => ({ r, dto: dtos[i] })),
      limit,
      ({ r }) => ({ at: r.createdAt.toISOString(), id: r.id }),
      ({ dto }) => dto,
    );
  }

  /** New due date: pending due_soon/overdue rows are cancelled (`rescheduled`) and replaced. */
  async reschedule(caller: Caller, id: string, dueAt: string, requestId?: string): Promise<AssignmentDto> {
    let warnings: string[] = [];
    await this.assignments.transaction(async (manager) => {
      const { assignment: before, course } = await this.lockActive(caller, id, manager);
      warnings = dueDateWarnings(new Date(dueAt), course.reminderPolicy, this.clock.now());
      if (before.dueAt.getTime() === new Date(dueAt).getTime()) return;
      await this.assignments.update(manager, id, { dueAt: new Date(dueAt) });
      await this.assignments.bumpRevision(manager, id);
      await this.reminders.cancelPending(manager, { assignmentId: id, kinds: DUE_KINDS }, 'rescheduled');
      await this.reminders.scheduleAssignmentReminders(manager, { assignmentIds: [id] }, this.clock.now(), 'none');
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'assignment.rescheduled',
        entity: 'assignment',
        entityId: id,
        before: { dueAt: before.dueAt.toISOString() },
        after: { dueAt: new Date(dueAt).toISOString() },
      });
    });
    return { ...(await this.dto(id)), warnings };
  }

  /** Cancelled assignments stop applying; every pending reminder of theirs is cancelled. Idempotent. */
  async cancel(caller: Caller, id: string, requestId?: string): Promise<void> {
    await this.assignments.transaction(async (manager) => {
      const found = await this.assignments.findById(id, manager);
      if (!found) throw new NotFound('Assignment');
      await this.access.writable(caller, found.courseId, manager);
      if (found.cancelledAt) return;
      await this.assignments.update(manager, id, { cancelledAt: this.clock.now() });
      await this.assignments.bumpRevision(manager, id);
      await this.reminders.cancelPending(manager, { assignmentId: id }, 'cancelled');
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'assignment.cancelled',
        entity: 'assignment',
        entityId: id,
        before: { dueAt: found.dueAt.toISOString() },
      });
    });
  }

  async setOverride(caller: Caller, id: string, enrolmentId: string, dueAt: string, requestId?: string): Promise<AssignmentDto> {
    let warnings: string[] = [];
    await this.assignments.transaction(async (manager) => {
      const { assignment, course } = await this.lockActive(caller, id, manager);
      warnings = dueDateWarnings(new Date(dueAt), course.reminderPolicy, this.clock.now());
      await this.requireTargetEnrolment(manager, assignment, enrolmentId);
      await this.refuseOverrideBeyondCap(manager, id, enrolmentId);
      const before = await this.assignments.upsertOverride(manager, id, enrolmentId, new Date(dueAt));
      await this.assignments.bumpRevision(manager, id);
      await this.replaceFor(manager, id, enrolmentId);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'assignment.override_set',
        entity: 'assignment',
        entityId: id,
        before: before ? { enrolmentId, dueAt: before.dueAt.toISOString() } : null,
        after: { enrolmentId, dueAt: new Date(dueAt).toISOString() },
      });
    });
    return { ...(await this.dto(id)), warnings };
  }

  async removeOverride(caller: Caller, id: string, enrolmentId: string, requestId?: string): Promise<void> {
    await this.assignments.transaction(async (manager) => {
      await this.lockActive(caller, id, manager);
      const before = await this.assignments.deleteOverride(manager, id, enrolmentId);
      if (!before) return;
      await this.assignments.bumpRevision(manager, id);
      await this.replaceFor(manager, id, enrolmentId);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'assignment.override_removed',
        entity: 'assignment',
        entityId: id,
        before: { enrolmentId, dueAt: before.dueAt.toISOString() },
      });
    });
  }

  async mine(caller: Caller, status?: MyAssignmentStatus): Promise<MyAssignmentDto[]> {
    const at = this.clock.now();
    const now = at.getTime();
    const rows = await this.assignments.mine(caller.id, status ?? null, at, MY_LIST_MAX);
    return rows
      .map((r): MyAssignmentDto => ({
        assignmentId: r.assignment_id,
        courseId: r.course_id,
        courseTitle: r.course_title,
        moduleId: r.module_id,
        moduleTitle: r.module_title,
        dueAt: new Date(r.due_at).toISOString(),
        status: r.done ? 'done' : new Date(r.due_at).getTime() < now ? 'overdue' : 'upcoming',
      }))
      .filter((a) => !status || a.status === status);
  }

  /**
   * Every due date the user's calendar shows: as a student (effective dates, cancelled ones kept)
   * and as an instructor of courses (the assignments' own dates). One entry per assignment: a
   * user who is both in one course sees it once, as a student.
   */
  async calendarEntries(userId: string): Promise<CalendarEntry[]> {
    const [studying, teaching] = await Promise.all([
      this.assignments.studentDueDates(userId, true),
      this.assignments.taughtDueDates(userId),
    ]);
    const seen = new Set(studying.map((r) => r.assignment_id));
    return [...studying, ...teaching.filter((r) => !seen.has(r.assignment_id))].map((r) => ({
      assignmentId: r.assignment_id,
      courseId: r.course_id,
      asStudent: seen.has(r.assignment_id),
      courseTitle: r.course_title,
      courseSlug: r.course_slug,
      moduleId: r.module_id,
      moduleTitle: r.module_title,
      dueAt: new Date(r.due_at),
      cancelled: r.cancelled_at !== null,
      revision: Number(r.revision),
      changedAt: new Date(r.changed_at),
    }));
  }

  /** A new per-student due date past OVERRIDES_PER_ASSIGNMENT_MAX is refused (changing an existing one is not). */
  private async refuseOverrideBeyondCap(manager: EntityManager, id: string, enrolmentId: string): Promise<void> {
    if ((await this.assignments.countOverrides(manager, id)) < OVERRIDES_PER_ASSIGNMENT_MAX) return;
    if (await this.assignments.hasOverride(manager, id, enrolmentId)) return;
    throw new Conflict(`An assignment has at most ${OVERRIDES_PER_ASSIGNMENT_MAX} per-student due dates`, 'too-many-overrides');
  }

  /** The student's pending due reminders follow their new due date. */
  private async replaceFor(manager: EntityManager, assignmentId: string, enrolmentId: string): Promise<void> {
    await this.reminders.cancelPending(manager, { assignmentId, enrolmentId, kinds: DUE_KINDS }, 'rescheduled');
    await this.reminders.scheduleAssignmentReminders(
      manager,
      { assignmentIds: [assignmentId], enrolmentIds: [enrolmentId] },
      this.clock.now(),
      'none',
    );
  }

  private async requireTargetEnrolment(manager: EntityManager, assignment: Assignment, enrolmentId: string): Promise<void> {
    const enrolment = await this.enrolments.findById(enrolmentId, manager);
    if (!enrolment || enrolment.courseId !== assignment.courseId) throw new NotFound('Enrolment');
    if (!(await this.assignments.appliesToEnrolment(manager, assignment.id, enrolmentId))) {
      throw new InvalidInput('The assignment does not apply to this enrolment', [
        { field: 'enrolmentId', message: 'not a target of the assignment' },
      ]);
    }
  }

  /** Locks the assignment for a change: 404 unless the caller manages its course or when it was cancelled (cancelling is final). */
  private async lockActive(
    caller: Caller,
    id: string,
    manager: EntityManager,
  ): Promise<{ assignment: Assignment; course: Awaited<ReturnType<CourseAccess['writable']>> }> {
    const found = await this.assignments.findById(id, manager);
    if (!found) throw new NotFound('Assignment');
    const course = await this.access.writable(caller, found.courseId, manager);
    const locked = await this.assignments.findById(id, manager, true);
    if (!locked || locked.cancelledAt) throw new NotFound('Assignment');
    return { assignment: locked, course };
  }

  private async dto(id: string): Promise<AssignmentDto> {
    const found = await this.assignments.findById(id);
    if (!found) throw new NotFound('Assignment');
    return (await this.dtos([found]))[0];
  }

  private async dtos(rows: Assignment[]): Promise<AssignmentDto[]> {
    const ids = rows.map((r) => r.id);
    const [targets, overrides] = await Promise.all([this.assignments.targets(ids), this.assignments.overrides(ids)]);
    return rows.map((a) => ({
      id: a.id,
      courseId: a.courseId,
      moduleId: a.moduleId,
      dueAt: a.dueAt.toISOString(),
      target:
        a.targetType === 'course'
          ? { type: 'course' }
          : a.targetType === 'cohort'
            ? { type: 'cohort', cohortId: a.cohortId! }
            : { type: 'enrolments', enrolmentIds: targets.get(a.id) ?? [] },
      overrides: (overrides.get(a.id) ?? []).map((o) => ({ enrolmentId: o.enrolmentId, dueAt: o.dueAt.toISOString() })),
      cancelledAt: a.cancelledAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
    }));
  }
}
