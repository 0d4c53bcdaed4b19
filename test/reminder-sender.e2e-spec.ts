import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../src/common/clock';
import { MailModule } from '../src/modules/mail/mail.module';
import { NotificationsModule } from '../src/modules/notifications/notifications.module';
import { DigestSender } from '../src/modules/reminders/digest-sender';
import { DigestRepository } from '../src/modules/reminders/digest.repository';
import type { ReminderKind } from '../src/modules/reminders/reminder-kinds';
import { ReminderScheduleRepository } from '../src/modules/reminders/reminder-schedule.repository';
import { ReminderSender } from '../src/modules/reminders/reminder-sender';
import { RemindersModule } from '../src/modules/reminders/reminders.module';
import { UsersModule } from '../src/modules/users/users.module';
import type { MailCatcher } from './helpers/app';
import type { ServiceModule } from './helpers/service-module';
import { startServiceModule } from './helpers/service-module';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('../scripts/lib/mail-catcher') as {
  startMailCatcher: (options: { web: boolean }) => Promise<MailCatcher>;
};

const T0 = new Date('2026-12-01T12:00:00Z'); // noon UTC: outside the default quiet hours
const DAY = 86_400_000;
const DUE = new Date(T0.getTime() + 3 * DAY);

/**
 * ReminderSender against real PostgreSQL and a real SMTP sink, without HTTP or BullMQ: rows are
 * written by the real writers (ReminderScheduleRepository), the world is changed by SQL, and each
 * test calls `send` and checks the outcome and the row.
 */
describe('ReminderSender (service, real PostgreSQL and SMTP)', () => {
  let s: ServiceModule;
  let mail: MailCatcher;
  let sender: ReminderSender;

  beforeAll(async () => {
    mail = await startMailCatcher({ web: false });
    s = await startServiceModule(
      {
        imports: [RemindersModule, MailModule, NotificationsModule, UsersModule],
        providers: [ReminderSender, DigestSender, DigestRepository],
      },
      { SMTP_URL: mail.smtpUrl },
    );
    sender = s.get(ReminderSender);
    s.get(Clock).set(T0);
  });
  afterAll(async () => {
    await s?.close();
    await mail?.close();
  });

  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await s.db.query(text, params)).rows as T[];

  /** A student enrolled (active) in a published course with one required item and a course-wide assignment due at DUE. */
  async function world(options: { cohortTarget?: boolean } = {}) {
    const tag = randomUUID().slice(0, 8);
    const [user] = await sql<{ id: string }>(
      `INSERT INTO users (email, name, role, password_hash) VALUES ($1, 'Sam', 'student', 'x') RETURNING id`,
      [`sam-${tag}@test.local`],
    );
    const [course] = await sql<{ id: string }>(
      `INSERT INTO courses (slug, title, status, reminder_policy) VALUES ($1, 'Course', 'published', '{"dueSoonMinutesBefore": 1440, "overdueMinutesAfter": 60, "inactivityDays": 7}') RETURNING id`,
      [`course-${tag}`],
    );
    const [mod] = await sql<{ id: string }>(`INSERT INTO modules (course_id, title, position) VALUES ($1, 'Module', 0) RETURNING id`, [
      course.id,
    ]);
    const [material] = await sql<{ id: string }>(
      `INSERT INTO materials (slug, title, kind, url) VALUES ($1, 'Reading', 'article', 'https://example.edu/r') RETURNING id`,
      [`m-${tag}`],
    );
    await sql(`INSERT INTO items (module_id, material_id, position, completion) VALUES ($1, $2, 0, '{"type": "view"}')`, [
      mod.id,
      material.id,
    ]);
    const [cohort] = await sql<{ id: string }>(`INSERT INTO cohorts (course_id, name) VALUES ($1, 'Main') RETURNING id`, [course.id]);
    const [enrolment] = await sql<{ id: string }>(
      `INSERT INTO enrolments (course_id, user_id, status, activated_at, last_activity_at, cohort_id) VALUES ($1, $2, 'active', $3, $3, $4) RETURNING id`,
      [course.id, user.id, new Date(T0.getTime() - 10 * DAY), cohort.id],
    );
    const [assignment] = await sql<{ id: string }>(
      `INSERT INTO assignments (course_id, module_id, due_at, target_type, cohort_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [course.id, mod.id, DUE, options.cohortTarget ? 'cohort' : 'course', options.cohortTarget ? cohort.id : null],
    );
    return { userId: user.id, courseId: course.id, moduleId: mod.id, enrolmentId: enrolment.id, assignmentId: assignment.id };
  }
  type World = Awaited<ReturnType<typeof world>>;

  /** Writes `w`'s reminders with the real writers and returns the `kind` one's id, queued for sending. */
  async function queued(w: World, kind: ReminderKind): Promise<string> {
    const schedule = s.get(ReminderScheduleRepository);
    const manager = s.get(DataSource).manager;
    if (kind === 'welcome') await schedule.scheduleWelcome(manager, [{ id: w.enrolmentId, userId: w.userId }], T0);
    else if (kind === 'inactivity') await schedule.scheduleInactivity(manager, T0);
    else await schedule.scheduleAssignmentReminders(manager, { assignmentIds: [w.assignmentId] }, T0, 'scheduled');
    const [row] = await sql<{ id: string }>(`UPDATE reminders SET status = 'queued' WHERE enrolment_id = $1 AND kind = $2 RETURNING id`, [
      w.enrolmentId,
      kind,
    ]);
    if (!row) throw new Error(`no ${kind} reminder was written`);
    return row.id;
  }

  async function row(id: string) {
    const [r] = await sql<{ status: string; skip_reason: string | null }>('SELECT status, skip_reason FROM reminders WHERE id = $1', [id]);
    return r;
  }

  /** Sends and expects a skip with `reason`, recorded on the row, and no email. */
  async function expectSkip(id: string, reason: string) {
    const before = mail.messages.length;
    expect(await sender.send(id, false)).toBe(`skipped:${reason}`);
    expect(await row(id)).toEqual({ status: 'skipped', skip_reason: reason });
    expect(mail.messages.length).toBe(before);
  }

  it.each<ReminderKind>(['welcome', 'assignment', 'due_soon', 'overdue', 'inactivity'])(
    'sends a %s reminder when nothing stands in the way',
    async (kind) => {
      const w = await world();
      const id = await queued(w, kind);
      expect(await sender.send(id, false)).toBe('sent');
      expect(await row(id)).toEqual({ status: 'sent', skip_reason: null });
      expect(mail.messages.filter((m) => m.messageId === `<reminder-${id}@accord>`)).toHaveLength(1);
    },
  );

  it('skips "deactivated" when the user was deactivated', async () => {
    const w = await world();
    const id = await queued(w, 'welcome');
    await sql('UPDATE users SET is_active = false WHERE id = $1', [w.userId]);
    await expectSkip(id, 'deactivated');
  });

  it('skips "dropped" when the student dropped the course', async () => {
    const w = await world();
    const id = await queued(w, 'due_soon');
    await sql(`UPDATE enrolments SET status = 'dropped', dropped_at = now() WHERE id = $1`, [w.enrolmentId]);
    await expectSkip(id, 'dropped');
  });

  it('skips "cancelled" when the course was archived', async () => {
    const w = await world();
    const id = await queued(w, 'welcome');
    await sql(`UPDATE courses SET status = 'archived' WHERE id = $1`, [w.courseId]);
    await expectSkip(id, 'cancelled');
  });

  it('skips "cancelled" when the assignment was cancelled', async () => {
    const w = await world();
    const id = await queued(w, 'assignment');
    await sql('UPDATE assignments SET cancelled_at = now() WHERE id = $1', [w.assignmentId]);
    await expectSkip(id, 'cancelled');
  });

  it('skips "cancelled" when the assignment no longer applies (the student left its cohort)', async () => {
    const w = await world({ cohortTarget: true });
    const id = await queued(w, 'overdue');
    await sql('UPDATE enrolments SET cohort_id = NULL WHERE id = $1', [w.enrolmentId]);
    await expectSkip(id, 'cancelled');
  });

  it('skips "rescheduled" when the due date moved since the reminder was planned', async () => {
    const w = await world();
    const id = await queued(w, 'due_soon');
    await sql(`UPDATE assignments SET due_at = due_at + interval '1 day' WHERE id = $1`, [w.assignmentId]);
    await expectSkip(id, 'rescheduled');
  });

  it('skips "rescheduled" when a per-student override moved the due date', async () => {
    const w = await world();
    const id = await queued(w, 'overdue');
    await sql(`INSERT INTO assignment_overrides (assignment_id, enrolment_id, due_at) VALUES ($1, $2, $3)`, [
      w.assignmentId,
      w.enrolmentId,
      new Date(DUE.getTime() + DAY),
    ]);
    await expectSkip(id, 'rescheduled');
  });

  it('skips "completed" when the assigned module is done', async () => {
    const w = await world();
    const id = await queued(w, 'due_soon');
    await sql('INSERT INTO module_completions (enrolment_id, module_id, completed_at) VALUES ($1, $2, now())', [w.enrolmentId, w.moduleId]);
    await expectSkip(id, 'completed');
  });

  it('skips an inactivity nudge "completed" when no required work is outstanding', async () => {
    const w = await world();
    const id = await queued(w, 'inactivity');
    await sql('UPDATE enrolments SET completed_required = 1 WHERE id = $1', [w.enrolmentId]);
    await expectSkip(id, 'completed');
  });

  it('skips an inactivity nudge "cancelled" when the student was active since it was planned', async () => {
    const w = await world();
    const id = await queued(w, 'inactivity');
    await sql(`UPDATE enrolments SET last_activity_at = $2 WHERE id = $1`, [w.enrolmentId, new Date(T0.getTime() - DAY)]);
    await expectSkip(id, 'cancelled');
  });

  it('skips "opted_out" when the user turned that kind off, and sends the kinds still on', async () => {
    const w = await world();
    await sql('INSERT INTO notification_preferences (user_id, overdue) VALUES ($1, false)', [w.userId]);
    await expectSkip(await queued(w, 'overdue'), 'opted_out');
    expect(await sender.send(await queued(w, 'due_soon'), false)).toBe('sent');
  });

  it('defers a quiet-hours kind to the end of the quiet hours, and sends a welcome at once', async () => {
    const w = await world();
    s.get(Clock).set(new Date('2026-12-01T22:00:00Z'));
    try {
      const id = await queued(w, 'inactivity');
      expect(await sender.send(id, false)).toBe('deferred');
      const [r] = await sql<{ status: string; scheduled_for: Date }>('SELECT status, scheduled_for FROM reminders WHERE id = $1', [id]);
      expect(r.status).toBe('scheduled');
      expect(new Date(r.scheduled_for).toISOString()).toBe('2026-12-02T08:00:00.000Z');
      expect(await sender.send(await queued(w, 'welcome'), false)).toBe('sent');
    } finally {
      s.get(Clock).set(T0);
    }
  });

  it('holds the digest kinds for the user’s digest slot, once per slot, and sends a welcome at once', async () => {
    const w = await world();
    await sql(
      `INSERT INTO notification_preferences (user_id, quiet_start, quiet_end, digest_frequency, digest_hour) VALUES ($1, NULL, NULL, 'daily', 7)`,
      [w.userId],
    );
    const held = [];
    for (const kind of ['assignment', 'due_soon', 'overdue', 'inactivity'] as const) held.push(await queued(w, kind));
    for (const id of held) expect(await sender.send(id, false)).toBe('held');
    expect(await sender.send(await queued(w, 'welcome'), false)).toBe('sent');
    const rows = await sql<{ status: string; digest_id: string; attempts: number }>(
      'SELECT status, digest_id, attempts FROM reminders WHERE id = ANY($1::uuid[])',
      [held],
    );
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(held.map(() => ['held', 0]));
    const digests = await sql<{ id: string; slot_at: Date; status: string }>('SELECT id, slot_at, status FROM digests WHERE user_id = $1', [
      w.userId,
    ]);
    // T0 is 12:00 UTC (the user's zone): the next 07:00 is the next morning.
    expect(digests.map((d) => [new Date(d.slot_at).toISOString(), d.status])).toEqual([['2026-12-02T07:00:00.000Z', 'pending']]);
    expect(new Set(rows.map((r) => r.digest_id))).toEqual(new Set([digests[0].id]));
    expect(mail.messages.filter((m) => m.messageId.startsWith('<digest-'))).toHaveLength(0);
  });

  it('is not claimable twice: a sent reminder is not sent again', async () => {
    const w = await world();
    const id = await queued(w, 'welcome');
    expect(await sender.send(id, false)).toBe('sent');
    expect(await sender.send(id, false)).toBe('not-claimable');
  });
});
