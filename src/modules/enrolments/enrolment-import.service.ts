import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { CourseAccess } from '../courses/course-access';
import { AuditService } from '../audit/audit.service';
import { ReminderScheduleService } from '../reminders/reminder-schedule.service';
import { UserAccounts } from '../users/user-accounts';
import { ImportRow } from './csv';
import { BULK_FAILED_LIST_LIMIT, BulkFailureDto, BulkResultDto, BULK_ROW_LIMIT, BulkRowOutcomeDto } from './dto/enrolment.dto';
import { enrolmentRefusal, isEmail } from './enrolment-rules';
import { EnrolmentsRepository } from './enrolments.repository';
import { refuseCohortsBeyondCap } from './enrolments.service';
import { tooManyRows } from './import-body';

interface ValidRow {
  row: number;
  email: string;
  name: string;
  cohort?: string;
}

/** An instructor's dry run must not tell which emails already have an account. */
const hideAccounts = (result: BulkResultDto): BulkResultDto => ({
  ...result,
  invited: 0,
  ...(result.rows && { rows: result.rows.map((r) => (r.outcome === 'invited' ? { ...r, outcome: 'created' as const } : r)) }),
});

/** Thrown inside a dry run's transaction to roll everything back once the counts are known. */
class DryRunRollback extends Error {
  constructor(readonly result: BulkResultDto) {
    super('dry run');
  }
}

/**
 * Bulk enrolment: validates every row, then does the work in a handful of set-based statements
 * inside one transaction holding the course row lock (so identical concurrent imports agree).
 * Bad rows are reported and never block good ones; a rerun creates nothing new.
 */
@Injectable()
export class EnrolmentImportService {
  private readonly logger = new Logger(EnrolmentImportService.name);

  constructor(
    private readonly enrolments: EnrolmentsRepository,
    private readonly access: CourseAccess,
    private readonly users: UserAccounts,
    private readonly reminders: ReminderScheduleService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async import(
    caller: Caller,
    courseId: string,
    rows: Array<ImportRow & { row: number }>,
    options: { dryRun: boolean; createCohorts: boolean; details?: boolean },
    requestId?: string,
  ): Promise<BulkResultDto> {
    if (rows.length > BULK_ROW_LIMIT) throw tooManyRows(this.config.http.importBodyLimitBytes, rows.length);
    const started = Date.now();
    const { valid, failed } = this.validate(rows);
    try {
      const result = await this.enrolments.transaction(async (manager) => {
        await this.access.writable(caller, courseId, manager);
        const result = await this.apply(manager, caller, courseId, rows, valid, failed, options, requestId);
        if (options.dryRun) throw new DryRunRollback(result);
        return result;
      });
      this.logger.log(
        {
          courseId,
          rows: rows.length,
          created: result.created,
          existing: result.existing,
          failed: result.failedCount,
          ms: Date.now() - started,
        },
        'enrolment import',
      );
      return result;
    } catch (error) {
      // A dry run must not tell an instructor which emails already have an account.
      if (error instanceof DryRunRollback) return caller.role === 'admin' ? error.result : hideAccounts(error.result);
      throw error;
    }
  }

  private validate(rows: Array<ImportRow & { row: number }>): { valid: ValidRow[]; failed: BulkFailureDto[] } {
    const valid: ValidRow[] = [];
    const failed: BulkFailureDto[] = [];
    const firstRow = new Map<string, number>();
    for (const r of rows) {
      const email = r.email.trim().toLowerCase();
      if (!isEmail(email)) {
        failed.push({ row: r.row, email: r.email, error: 'invalid email' });
        continue;
      }
      const seen = firstRow.get(email);
      if (seen !== undefined) {
        failed.push({ row: r.row, email, error: `duplicate in file (first in row ${seen})` });
        continue;
      }
      const name = r.name?.trim() || email.split('@')[0];
      if (name.length > 200) {
        failed.push({ row: r.row, email, error: 'name longer than 200 characters' });
        continue;
      }
      const cohort = r.cohort?.trim() || undefined;
      if (cohort && cohort.length > 200) {
        failed.push({ row: r.row, email, error: 'cohort name longer than 200 characters' });
        continue;
      }
      firstRow.set(email, r.row);
      valid.push({ row: r.row, email, name, cohort });
    }
    return { valid, failed };
  }

  private async apply(
    manager: EntityManager,
    caller: Caller,
    courseId: string,
    input: Array<ImportRow & { row: number }>,
    rows: ValidRow[],
    failed: BulkFailureDto[],
    options: { dryRun: boolean; createCohorts: boolean; details?: boolean },
    requestId?: string,
  ): Promise<BulkResultDto> {
    // Cohorts by name (case-sensitive as written; an exact match is required).
    const wanted = [...new Set(rows.map((r) => r.cohort).filter((c): c is string => Boolean(c)))];
    let cohortsCreated = 0;
    let cohorts = await this.enrolments.cohortsOf(courseId, manager);
    if (options.createCohorts && wanted.length) {
      const known = new Set(cohorts.map((c) => c.name));
      refuseCohortsBeyondCap(cohorts.length + wanted.filter((name) => !known.has(name)).length);
      cohortsCreated = await this.enrolments.ensureCohorts(manager, courseId, wanted);
      if (cohortsCreated) cohorts = await this.enrolments.cohortsOf(courseId, manager);
    }
    const cohortIds = new Map(cohorts.map((c) => [c.name, c.id]));
    const withCohort = rows.filter((r) => {
      if (!r.cohort || cohortIds.has(r.cohort)) return true;
      failed.push({ row: r.row, email: r.email, error: `unknown cohort "${r.cohort}"` });
      return false;
    });

    // Accounts: unknown emails become invited students.
    // Sorted, so concurrent imports into different courses take the email keys in the same order (no deadlock).
    const newcomers = withCohort
      .map((r) => ({ email: r.email, name: r.name }))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const invited = await this.users.inviteStudents(manager, newcomers);
    const users = new Map(
      (
        await this.users.byEmail(
          manager,
          withCohort.map((r) => r.email),
        )
      ).map((u) => [u.email, u]),
    );
    const enrollable = withCohort.filter((r) => {
      const user = users.get(r.email)!;
      const refusal = enrolmentRefusal({ role: user.role, active: user.is_active }, caller.role);
      if (refusal) failed.push({ row: r.row, email: r.email, error: refusal.row });
      return !refusal;
    });

    const created = await this.enrolments.insertEnrolments(
      manager,
      courseId,
      enrollable.map((r) => ({ userId: users.get(r.email)!.id, cohortId: r.cohort ? cohortIds.get(r.cohort)! : null })),
    );
    const now = this.clock.now();
    await this.reminders.scheduleWelcome(
      manager,
      created.map((e) => ({ id: e.id, userId: e.user_id })),
      now,
    );
    if (created.length)
      await this.reminders.scheduleAssignmentReminders(manager, { enrolmentIds: created.map((e) => e.id) }, now, 'scheduled');
    await this.audit.recordMany(
      manager,
      created.map((e) => ({
        actorId: caller.id,
        requestId,
        action: 'enrolment.created',
        entity: 'enrolment',
        entityId: e.id,
        after: { courseId, userId: e.user_id, source: 'bulk' },
      })),
    );

    failed.sort((a, b) => a.row - b.row);
    // The list is capped (a 10,000-row file of bad rows is not a 1 MB answer); the count is not.
    const result: BulkResultDto = {
      created: created.length,
      existing: enrollable.length - created.length,
      failed: failed.slice(0, BULK_FAILED_LIST_LIMIT),
      failedCount: failed.length,
      dryRun: options.dryRun,
      invited: invited.length,
      cohortsCreated,
    };
    if (options.details) {
      const enrolled = new Set(created.map((e) => e.user_id));
      const newAccounts = new Set(invited.map((u) => u.id));
      const failures = new Map(failed.map((f) => [f.row, f]));
      const valid = new Map(rows.map((r) => [r.row, r]));
      result.rows = input.map((r): BulkRowOutcomeDto => {
        const failure = failures.get(r.row);
        if (failure) return { row: r.row, email: failure.email, outcome: 'invalid', error: failure.error };
        const email = valid.get(r.row)!.email;
        const userId = users.get(email)!.id;
        return { row: r.row, email, outcome: !enrolled.has(userId) ? 'existing' : newAccounts.has(userId) ? 'invited' : 'created' };
      });
    }
    return result;
  }
}
