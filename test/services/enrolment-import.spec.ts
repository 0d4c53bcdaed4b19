import { randomBytes } from 'crypto';
import type { Caller } from '../../src/common/auth.decorators';
import { DomainError } from '../../src/common/errors';
import type { BulkResultDto } from '../../src/modules/enrolments/dto/enrolment.dto';
import { BULK_FAILED_LIST_LIMIT, BULK_ROW_LIMIT } from '../../src/modules/enrolments/dto/enrolment.dto';
import { EnrolmentImportService } from '../../src/modules/enrolments/enrolment-import.service';
import { EnrolmentsModule } from '../../src/modules/enrolments/enrolments.module';
import type { ServiceModule } from '../helpers/service-module';
import { startServiceModule } from '../helpers/service-module';

type Row = { row: number; email: string; name?: string; cohort?: string };
const rows = (...list: Array<Omit<Row, 'row'>>): Row[] => list.map((r, i) => ({ row: i + 1, ...r }));
const commit = { dryRun: false, createCohorts: false };
const dryRun = { dryRun: true, createCohorts: false };

describe('EnrolmentImportService (real PostgreSQL, no HTTP)', () => {
  let t: ServiceModule;
  let service: EnrolmentImportService;
  let admin: Caller;

  const uid = () => randomBytes(4).toString('hex');
  const insertUser = async (
    role: 'admin' | 'instructor' | 'student',
    options: { active?: boolean; email?: string } = {},
  ): Promise<Caller> => {
    const email = options.email ?? `${role}-${uid()}@test.local`;
    const name = `${role} ${uid()}`;
    const {
      rows: [user],
    } = await t.db.query('INSERT INTO users (email, name, role, is_active) VALUES ($1, $2, $3, $4) RETURNING id', [
      email,
      name,
      role,
      options.active ?? true,
    ]);
    return { id: user.id, email, role, name };
  };
  const insertCourse = async (status: 'draft' | 'published' | 'archived' = 'published', instructor?: Caller): Promise<string> => {
    const policy = { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 };
    const {
      rows: [course],
    } = await t.db.query('INSERT INTO courses (title, slug, status, reminder_policy) VALUES ($1, $2, $3, $4) RETURNING id', [
      `Course ${uid()}`,
      `course-${uid()}`,
      status,
      policy,
    ]);
    if (instructor) await t.db.query('INSERT INTO course_instructors (course_id, user_id) VALUES ($1, $2)', [course.id, instructor.id]);
    return course.id;
  };
  const insertCohort = async (courseId: string, name: string): Promise<string> =>
    (await t.db.query('INSERT INTO cohorts (course_id, name) VALUES ($1, $2) RETURNING id', [courseId, name])).rows[0].id;
  const enrol = async (courseId: string, user: Caller, status: string) => {
    await t.db.query('INSERT INTO enrolments (course_id, user_id, status) VALUES ($1, $2, $3)', [courseId, user.id, status]);
  };

  /** Everything an import writes, counted (one course's rows, or all of a table's). */
  const footprint = async (courseId: string) => {
    const {
      rows: [counts],
    } = await t.db.query(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM password_tokens) AS "passwordTokens",
              (SELECT count(*)::int FROM cohorts WHERE course_id = $1) AS cohorts,
              (SELECT count(*)::int FROM enrolments WHERE course_id = $1) AS enrolments,
              (SELECT count(*)::int FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE e.course_id = $1) AS reminders,
              (SELECT count(*)::int FROM audit_log WHERE action = 'enrolment.created' AND after->>'courseId' = $1::text) AS audit`,
      [courseId],
    );
    return counts as Record<string, number>;
  };

  beforeAll(async () => {
    t = await startServiceModule({ imports: [EnrolmentsModule], role: 'api' });
    service = t.module.get(EnrolmentImportService);
    admin = await insertUser('admin');
  });
  afterAll(() => t?.close());

  it('commits a mixed file: new students invited, existing ones enrolled, bad rows reported by row number', async () => {
    const courseId = await insertCourse();
    const morning = await insertCohort(courseId, 'Morning');
    const known = await insertUser('student');
    const enrolled = await insertUser('student');
    await enrol(courseId, enrolled, 'active');
    const deactivated = await insertUser('student', { active: false });
    const instructor = await insertUser('instructor');
    const newcomer = `new-${uid()}@test.local`;
    const before = await footprint(courseId);

    const result = await service.import(
      admin,
      courseId,
      rows(
        { email: newcomer, cohort: 'Morning' },
        { email: known.email.toUpperCase(), name: 'Ignored For Existing Accounts' },
        { email: enrolled.email },
        { email: 'not-an-email' },
        { email: ` ${newcomer.toUpperCase()} ` },
        { email: deactivated.email },
        { email: instructor.email },
        { email: `other-${uid()}@test.local`, cohort: 'Evening' },
        { email: `long-${uid()}@test.local`, name: 'x'.repeat(201) },
        { email: `cohort-${uid()}@test.local`, cohort: 'c'.repeat(201) },
      ),
      commit,
      'req-import-1',
    );

    expect(result).toEqual({
      created: 2,
      existing: 1,
      invited: 1,
      cohortsCreated: 0,
      dryRun: false,
      failedCount: 7,
      failed: [
        { row: 4, email: 'not-an-email', error: 'invalid email' },
        { row: 5, email: newcomer, error: 'duplicate in file (first in row 1)' },
        { row: 6, email: deactivated.email, error: 'user deactivated' },
        { row: 7, email: instructor.email, error: 'not a student (instructor)' },
        { row: 8, email: expect.stringMatching(/^other-/), error: 'unknown cohort "Evening"' },
        { row: 9, email: expect.stringMatching(/^long-/), error: 'name longer than 200 characters' },
        { row: 10, email: expect.stringMatching(/^cohort-/), error: 'cohort name longer than 200 characters' },
      ],
    });

    // Only the newcomer became an account: an invited student named after the email, with one set-password token.
    const after = await footprint(courseId);
    expect(after).toEqual({
      ...before,
      users: before.users + 1,
      passwordTokens: before.passwordTokens + 1,
      enrolments: before.enrolments + 2,
      reminders: before.reminders + 2,
      audit: 2,
    });
    const {
      rows: [created],
    } = await t.db.query('SELECT id, name, role, is_active FROM users WHERE email = $1', [newcomer]);
    expect(created).toMatchObject({ name: newcomer.split('@')[0], role: 'student', is_active: true });
    expect((await t.db.query('SELECT count(*)::int AS n FROM password_tokens WHERE user_id = $1', [created.id])).rows[0].n).toBe(1);
    expect((await t.db.query('SELECT count(*)::int AS n FROM password_tokens WHERE user_id = $1', [known.id])).rows[0].n).toBe(0);

    // Both created enrolments start invited, the newcomer's in its cohort, each with one welcome reminder and an audit row.
    const { rows: enrolments } = await t.db.query(
      `SELECT e.id, e.user_id, e.cohort_id, e.status, r.kind, r.dedupe_key, r.status AS reminder_status, a.actor_id, a.request_id
       FROM enrolments e
       JOIN reminders r ON r.enrolment_id = e.id
       JOIN audit_log a ON a.entity_id = e.id AND a.action = 'enrolment.created'
       WHERE e.course_id = $1 AND e.user_id = ANY($2::uuid[]) ORDER BY e.cohort_id NULLS LAST`,
      [courseId, [created.id, known.id]],
    );
    expect(enrolments).toEqual([
      expect.objectContaining({
        user_id: created.id,
        cohort_id: morning,
        status: 'invited',
        kind: 'welcome',
        reminder_status: 'scheduled',
        actor_id: admin.id,
        request_id: 'req-import-1',
      }),
      expect.objectContaining({
        user_id: known.id,
        cohort_id: null,
        status: 'invited',
        kind: 'welcome',
        reminder_status: 'scheduled',
        actor_id: admin.id,
        request_id: 'req-import-1',
      }),
    ]);
    for (const e of enrolments) expect(e.dedupe_key).toBe(`welcome:${e.id}`);
    // The enrolment that existed is untouched.
    expect(
      (await t.db.query('SELECT status FROM enrolments WHERE course_id = $1 AND user_id = $2', [courseId, enrolled.id])).rows[0].status,
    ).toBe('active');
  });

  it('a dry run answers what the real run then does, and writes nothing', async () => {
    const courseId = await insertCourse();
    const known = await insertUser('student');
    const file = rows(
      { email: `a-${uid()}@test.local`, cohort: 'Group A' },
      { email: known.email },
      { email: `b-${uid()}@test.local`, cohort: 'Group B' },
      { email: 'broken@' },
    );
    const before = await footprint(courseId);

    const dry = await service.import(admin, courseId, file, { dryRun: true, createCohorts: true });
    expect(await footprint(courseId)).toEqual(before);
    expect(dry).toMatchObject({ created: 3, existing: 0, invited: 2, cohortsCreated: 2, failedCount: 1, dryRun: true });

    const real = await service.import(admin, courseId, file, { dryRun: false, createCohorts: true });
    expect(real).toEqual({ ...dry, dryRun: false });
    expect(await footprint(courseId)).toEqual({
      ...before,
      users: before.users + 2,
      passwordTokens: before.passwordTokens + 2,
      cohorts: 2,
      enrolments: 3,
      reminders: 3,
      audit: 3,
    });
  });

  it("an instructor's dry run does not tell which emails have accounts, nor why an account is refused", async () => {
    const instructor = await insertUser('instructor');
    const courseId = await insertCourse('published', instructor);
    const known = await insertUser('student');
    const deactivated = await insertUser('student', { active: false });
    const otherAdmin = await insertUser('admin');
    const file = rows(
      { email: known.email },
      { email: `fresh-${uid()}@test.local` },
      { email: deactivated.email },
      { email: otherAdmin.email },
    );

    const asInstructor = await service.import(instructor, courseId, file, dryRun);
    expect(asInstructor).toMatchObject({ created: 2, invited: 0, failedCount: 2 });
    expect(asInstructor.failed.map((f) => f.error)).toEqual(['cannot be enrolled', 'cannot be enrolled']);

    const asAdmin = await service.import(admin, courseId, file, dryRun);
    expect(asAdmin).toMatchObject({ created: 2, invited: 1, failedCount: 2 });
    expect(asAdmin.failed.map((f) => f.error)).toEqual(['user deactivated', 'not a student (admin)']);

    // A real run reports the accounts it created, whoever runs it.
    expect(await service.import(instructor, courseId, file, commit)).toMatchObject({ created: 2, invited: 1, dryRun: false });
  });

  it('a rerun creates nothing new, and never changes an existing enrolment', async () => {
    const courseId = await insertCourse();
    const dropped = await insertUser('student');
    await enrol(courseId, dropped, 'dropped');
    const file = rows({ email: `once-${uid()}@test.local`, cohort: 'Late' }, { email: dropped.email });

    const first = await service.import(admin, courseId, file, { dryRun: false, createCohorts: true });
    expect(first).toMatchObject({ created: 1, existing: 1, invited: 1, cohortsCreated: 1, failedCount: 0 });
    const afterFirst = await footprint(courseId);

    const second = await service.import(admin, courseId, file, { dryRun: false, createCohorts: true });
    expect(second).toEqual({ created: 0, existing: 2, invited: 0, cohortsCreated: 0, failed: [], failedCount: 0, dryRun: false });
    expect(await footprint(courseId)).toEqual(afterFirst);
    expect(
      (await t.db.query('SELECT status FROM enrolments WHERE course_id = $1 AND user_id = $2', [courseId, dropped.id])).rows[0].status,
    ).toBe('dropped');
  });

  it(`lists the first ${BULK_FAILED_LIST_LIMIT} failed rows in row order and counts them all`, async () => {
    const courseId = await insertCourse();
    // Failures found at different steps (format, then cohort) still come back in row order.
    const file: Row[] = Array.from({ length: 1_500 }, (_, i) =>
      i % 2 ? { row: i + 1, email: `bad-${i}` } : { row: i + 1, email: `s${i}-${uid()}@test.local`, cohort: 'Nowhere' },
    );

    const result = await service.import(admin, courseId, file, commit);
    expect(result.failedCount).toBe(1_500);
    expect(result.failed).toHaveLength(BULK_FAILED_LIST_LIMIT);
    expect(result.failed.map((f) => f.row)).toEqual(Array.from({ length: BULK_FAILED_LIST_LIMIT }, (_, i) => i + 1));
    expect(result.failed[0].error).toBe('unknown cohort "Nowhere"');
    expect(result.failed[1].error).toBe('invalid email');
    expect(result.created).toBe(0);
  });

  it(`takes ${BULK_ROW_LIMIT} rows and refuses one more with 413 before writing anything`, async () => {
    const courseId = await insertCourse();
    const file: Row[] = Array.from({ length: BULK_ROW_LIMIT }, (_, i) => ({ row: i + 1, email: `not-an-email-${i}` }));
    await expect(service.import(admin, courseId, file, commit)).resolves.toMatchObject({ failedCount: BULK_ROW_LIMIT, created: 0 });

    const before = await footprint(courseId);
    const tooMany = [...file, { row: BULK_ROW_LIMIT + 1, email: `new-${uid()}@test.local` }];
    const refused = await service.import(admin, courseId, tooMany, commit).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ status: 413, code: 'too-large' });
    expect(await footprint(courseId)).toEqual(before);
  });

  it('refuses a course the caller does not teach (404) and an archived course (409), writing nothing', async () => {
    const stranger = await insertUser('instructor');
    const courseId = await insertCourse();
    const archived = await insertCourse('archived');
    const file = rows({ email: `nobody-${uid()}@test.local` });
    const usersBefore = (await footprint(courseId)).users;

    await expect(service.import(stranger, courseId, file, commit)).rejects.toMatchObject({ status: 404, code: 'not-found' });
    await expect(service.import(admin, archived, file, commit)).rejects.toMatchObject({ status: 409, code: 'course-archived' });
    expect((await footprint(courseId)).users).toBe(usersBefore);
  });

  it('an empty file does nothing and says so', async () => {
    const courseId = await insertCourse();
    const result: BulkResultDto = await service.import(admin, courseId, [], commit);
    expect(result).toEqual({ created: 0, existing: 0, invited: 0, cohortsCreated: 0, failed: [], failedCount: 0, dryRun: false });
  });
});
