import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, DomainError, InvalidInput, NotFound } from '../../common/errors';
import { COHORTS_PER_COURSE_MAX, MY_LIST_MAX } from '../../common/limits';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { CourseAccess } from '../courses/course-access';
import { ReminderScheduleService } from '../reminders/reminder-schedule.service';
import { UserSummaryDto } from '../users/dto/user.dto';
import type { Role } from '../users/role';
import { UserAccounts } from '../users/user-accounts';
import { CohortDto, EnrolDto, EnrolmentDto, EnrolmentQuery, MyEnrolmentDto, UpdateEnrolmentDto } from './dto/enrolment.dto';
import { assertTransition, enrolmentRefusal } from './enrolment-rules';
import { CohortUsage, EnrolmentsRepository, EnrolmentWithUser } from './enrolments.repository';
import { Cohort } from './entities/cohort.entity';
import { Enrolment } from './entities/enrolment.entity';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const snapshot = (e: Enrolment) => ({ courseId: e.courseId, userId: e.userId, cohortId: e.cohortId, status: e.status });

export function toEnrolmentDto(e: EnrolmentWithUser): EnrolmentDto {
  return {
    id: e.id,
    courseId: e.courseId,
    user: UserSummaryDto.from(e.user),
    cohortId: e.cohortId,
    status: e.status,
    activatedAt: iso(e.activatedAt),
    completedAt: iso(e.completedAt),
    droppedAt: iso(e.droppedAt),
    lastActivityAt: iso(e.lastActivityAt),
    createdAt: e.createdAt.toISOString(),
  };
}

const cohortDto = (c: Cohort): CohortDto => ({ id: c.id, courseId: c.courseId, name: c.name, createdAt: c.createdAt.toISOString() });

/** How many enrolments and assignments a refused cohort deletion names in `errors` (the detail names 3 of each). */
export const COHORT_USAGE_LIST_LIMIT = 50;
const COHORT_DETAIL_NAMES = 3;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const named = (names: string[], total: number) =>
  names.slice(0, COHORT_DETAIL_NAMES).join(', ') + (total > COHORT_DETAIL_NAMES ? ', …' : '');

/** 409 for a cohort still in use: the detail names the first few uses, `errors` up to COHORT_USAGE_LIST_LIMIT of each. */
export class CohortInUse extends DomainError {
  constructor(name: string, usage: CohortUsage) {
    const enrolments = usage.enrolments.map((e) => (e.status === 'dropped' ? `${e.email} (dropped)` : e.email));
    const assignments = usage.assignments.map((a) => `${a.moduleTitle}, due ${a.dueAt.toISOString()}`);
    const parts: string[] = [];
    if (usage.enrolmentCount) parts.push(`${plural(usage.enrolmentCount, 'enrolment')} (${named(enrolments, usage.enrolmentCount)})`);
    if (usage.assignmentCount) parts.push(`${plural(usage.assignmentCount, 'assignment')} (${named(assignments, usage.assignmentCount)})`);
    super(409, 'cohort-in-use', `The cohort "${name}" is used by ${parts.join(' and ')}`, [
      ...enrolments.map((message) => ({ field: 'enrolments', message })),
      ...assignments.map((message) => ({ field: 'assignments', message })),
    ]);
  }
}

/** 409 when a course would hold more than COHORTS_PER_COURSE_MAX cohorts (one created here, or a bulk import's new ones). */
export function refuseCohortsBeyondCap(total: number): void {
  if (total > COHORTS_PER_COURSE_MAX) throw new Conflict(`A course has at most ${COHORTS_PER_COURSE_MAX} cohorts`, 'too-many-cohorts');
}

@Injectable()
export class EnrolmentsService {
  constructor(
    private readonly enrolments: EnrolmentsRepository,
    private readonly access: CourseAccess,
    private readonly users: UserAccounts,
    private readonly reminders: ReminderScheduleService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Idempotent: `created` is false when the user was already enrolled (a dropped enrolment is reactivated). */
  async enrol(
    caller: Caller,
    courseId: string,
    input: EnrolDto,
    requestId?: string,
  ): Promise<{ enrolment: EnrolmentDto; created: boolean }> {
    if (Boolean(input.userId) === Boolean(input.email)) {
      throw new InvalidInput('Give exactly one of userId and email', [
        { field: input.userId ? 'email' : 'userId', message: 'exactly one of userId and email is required' },
      ]);
    }
    const { id, created } = await this.enrolments.transaction(async (manager) => {
      await this.access.writable(caller, courseId, manager);
      const userId = input.userId
        ? await this.existingUser(manager, caller, input.userId)
        : await this.userForEmail(manager, caller, input.email!, input.name);
      if (input.cohortId) await this.requireCohort(manager, courseId, input.cohortId);
      const existing = await this.enrolments.findByCourseAndUser(manager, courseId, userId);
      if (existing) {
        if (existing.status === 'dropped') {
          await this.enrolments.update(manager, existing.id, { status: 'active', droppedAt: null });
          await this.reminders.scheduleAssignmentReminders(manager, { enrolmentIds: [existing.id] }, this.clock.now(), 'none');
          await this.audit.record(manager, {
            actorId: caller.id,
            requestId,
            action: 'enrolment.reactivated',
            entity: 'enrolment',
            entityId: existing.id,
            before: snapshot(existing),
            after: { ...snapshot(existing), status: 'active' },
          });
        }
        return { id: existing.id, created: false };
      }
      const enrolment = await this.enrolments.insertIfAbsent(manager, { courseId, userId, cohortId: input.cohortId ?? null });
      if (!enrolment) throw new Conflict('The user was enrolled concurrently; retry the request');
      await this.reminders.scheduleWelcome(manager, [{ id: enrolment.id, userId }], this.clock.now());
      // Assignments that already exist apply to the newcomer: their reminders start now.
      await this.reminders.scheduleAssignmentReminders(manager, { enrolmentIds: [enrolment.id] }, this.clock.now(), 'scheduled');
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'enrolment.created',
        entity: 'enrolment',
        entityId: enrolment.id,
        after: snapshot(enrolment),
      });
      return { id: enrolment.id, created: true };
    });
    return { enrolment: await this.dto(id), created };
  }

  /** First sign-in: invited → active for every course of the user, audited in the same transaction. */
  activateInvited(userId: string): Promise<number> {
    return this.enrolments.transaction(async (manager) => {
      const ids = await this.enrolments.activateInvited(manager, userId);
      await this.audit.recordMany(
        manager,
        ids.map((id) => ({
          actorId: userId,
          action: 'enrolment.activated',
          entity: 'enrolment',
          entityId: id,
          before: { status: 'invited' },
          after: { status: 'active', reason: 'sign-in' },
        })),
      );
      return ids.length;
    });
  }

  /** For assignments: the enrolment, read inside the caller's transaction. */
  findById(id: string, manager?: EntityManager): Promise<Enrolment | null> {
    return this.enrolments.findById(id, manager);
  }

  /** For assignments: the cohort, read inside the caller's transaction. */
  findCohort(id: string, manager?: EntityManager): Promise<Cohort | null> {
    return this.enrolments.findCohort(id, manager);
  }

  async list(caller: Caller, courseId: string, query: EnrolmentQuery): Promise<Page<EnrolmentDto>> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const limit = pageLimit(query);
    const rows = await this.enrolments.list(
      courseId,
      { status: query.status, cohortId: query.cohortId, q: query.q?.trim() || undefined },
      decodeCursor(query.cursor),
      limit,
    );
    return toPage(rows, limit, (e) => ({ at: e.createdAt.toISOString(), id: e.id }), toEnrolmentDto);
  }

  async update(caller: Caller, id: string, input: UpdateEnrolmentDto, requestId?: string): Promise<EnrolmentDto> {
    await this.enrolments.transaction(async (manager) => {
      const before = await this.lockForWrite(caller, id, manager);
      const changes: Partial<Enrolment> = {};
      if (input.status !== undefined && assertTransition(before.status, input.status)) {
        changes.status = input.status;
        changes.droppedAt = input.status === 'dropped' ? this.clock.now() : null;
      }
      if (input.cohortId !== undefined && input.cohortId !== before.cohortId) {
        if (input.cohortId !== null) await this.requireCohort(manager, before.courseId, input.cohortId);
        changes.cohortId = input.cohortId;
      }
      if (!Object.keys(changes).length) return;
      await this.enrolments.update(manager, id, changes);
      if (changes.status === 'active' || changes.cohortId !== undefined) {
        // A new cohort (or a return) brings the assignments that now apply, with their reminders.
        await this.reminders.scheduleAssignmentReminders(
          manager,
          { enrolmentIds: [id] },
          this.clock.now(),
          changes.cohortId !== undefined ? 'scheduled' : 'none',
        );
      }
      const action =
        changes.status === 'dropped' ? 'enrolment.dropped' : changes.status === 'active' ? 'enrolment.reactivated' : 'enrolment.updated';
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action,
        entity: 'enrolment',
        entityId: id,
        before: snapshot(before),
        after: snapshot({ ...before, ...changes }),
      });
    });
    return this.dto(id);
  }

  async drop(caller: Caller, id: string, requestId?: string): Promise<void> {
    await this.update(caller, id, { status: 'dropped' }, requestId);
  }

  async mine(caller: Caller): Promise<MyEnrolmentDto[]> {
    const rows = await this.enrolments.mine(caller.id, MY_LIST_MAX);
    return rows.map((r) => ({
      id: r.id,
      courseId: r.course_id,
      courseTitle: r.course_title,
      courseSlug: r.course_slug,
      status: r.status,
      progressPercent: Number(r.progress_percent),
      lastActivityAt: iso(r.last_activity_at),
      createdAt: r.created_at.toISOString(),
    }));
  }

  async createCohort(caller: Caller, courseId: string, name: string, requestId?: string): Promise<CohortDto> {
    const cohort = await this.enrolments.transaction(async (manager) => {
      await this.access.writable(caller, courseId, manager);
      await this.refuseDuplicateCohort(manager, courseId, name);
      refuseCohortsBeyondCap((await this.enrolments.countCohorts(manager, courseId)) + 1);
      const cohort = await this.enrolments.insertCohort(manager, courseId, name);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'cohort.created',
        entity: 'cohort',
        entityId: cohort.id,
        after: { courseId, name },
      });
      return cohort;
    });
    return cohortDto(cohort);
  }

  async cohorts(caller: Caller, courseId: string): Promise<CohortDto[]> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    return (await this.enrolments.cohortsOf(courseId)).map(cohortDto);
  }

  async renameCohort(caller: Caller, id: string, name: string, requestId?: string): Promise<CohortDto> {
    const found = await this.enrolments.findCohort(id);
    if (!found) throw new NotFound('Cohort');
    const cohort = await this.enrolments.transaction(async (manager) => {
      await this.access.writable(caller, found.courseId, manager);
      if (name === found.name) return found;
      await this.refuseDuplicateCohort(manager, found.courseId, name);
      const renamed = await this.enrolments.renameCohort(manager, id, name);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'cohort.renamed',
        entity: 'cohort',
        entityId: id,
        before: { name: found.name },
        after: { name },
      });
      return renamed;
    });
    return cohortDto(cohort);
  }

  /** 204; 409 naming what still uses it (enrolments of any status, live assignments). */
  async deleteCohort(caller: Caller, id: string, requestId?: string): Promise<void> {
    const found = await this.enrolments.findCohort(id);
    if (!found) throw new NotFound('Cohort');
    await this.enrolments.transaction(async (manager) => {
      // The course row lock serialises this with enrolments and assignments that pick the cohort.
      await this.access.writable(caller, found.courseId, manager);
      // Deleted by a concurrent request while this one waited for the lock.
      if (!(await this.enrolments.findCohort(id, manager))) throw new NotFound('Cohort');
      const usage = await this.enrolments.cohortUsage(manager, id, COHORT_USAGE_LIST_LIMIT);
      if (usage.enrolmentCount || usage.assignmentCount) throw new CohortInUse(found.name, usage);
      await this.enrolments.deleteCohort(manager, id);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'cohort.deleted',
        entity: 'cohort',
        entityId: id,
        before: { courseId: found.courseId, name: found.name },
      });
    });
  }

  private async refuseDuplicateCohort(manager: EntityManager, courseId: string, name: string): Promise<void> {
    const taken = (await this.enrolments.cohortsOf(courseId, manager)).some((c) => c.name.toLowerCase() === name.toLowerCase());
    if (taken) throw new Conflict(`The course already has a cohort named "${name}"`, 'cohort-name-taken');
  }

  private async lockForWrite(caller: Caller, id: string, manager: EntityManager): Promise<Enrolment> {
    const found = await this.enrolments.findById(id, manager);
    if (!found) throw new NotFound('Enrolment');
    await this.access.writable(caller, found.courseId, manager);
    const locked = await this.enrolments.findById(id, manager, true);
    if (!locked) throw new NotFound('Enrolment');
    return locked;
  }

  private async existingUser(manager: EntityManager, caller: Caller, userId: string): Promise<string> {
    const user = await this.users.findById(userId, manager);
    if (!user) throw new InvalidInput('No user has this id', [{ field: 'userId', message: 'userId does not exist' }]);
    this.refuseUnlessStudent({ role: user.role, active: user.isActive }, caller);
    return user.id;
  }

  private refuseUnlessStudent(user: { role: Role; active: boolean }, caller: Caller): void {
    const refusal = enrolmentRefusal(user, caller.role);
    if (refusal) throw new Conflict(refusal.detail, refusal.code);
  }

  /** An existing account, or a new invited student (with a set-password token). */
  private async userForEmail(manager: EntityManager, caller: Caller, email: string, name?: string): Promise<string> {
    const [created] = await this.users.inviteStudents(manager, [{ email, name: name ?? email.split('@')[0] }]);
    if (created) {
      await this.audit.record(manager, {
        actorId: caller.id,
        action: 'user.invited',
        entity: 'user',
        entityId: created.id,
        after: { email, role: 'student' },
      });
      return created.id;
    }
    const [user] = await this.users.byEmail(manager, [email]);
    this.refuseUnlessStudent({ role: user.role, active: user.is_active }, caller);
    return user.id;
  }

  private async requireCohort(manager: EntityManager, courseId: string, cohortId: string): Promise<void> {
    const cohort = await this.enrolments.findCohort(cohortId, manager);
    if (!cohort || cohort.courseId !== courseId)
      throw new InvalidInput('The cohort is not a cohort of this course', [
        { field: 'cohortId', message: 'cohortId is not a cohort of this course' },
      ]);
  }

  private async dto(id: string): Promise<EnrolmentDto> {
    const e = await this.enrolments.findWithUser(id);
    if (!e) throw new NotFound('Enrolment');
    return toEnrolmentDto(e);
  }
}
