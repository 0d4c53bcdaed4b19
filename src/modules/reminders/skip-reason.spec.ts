import type { ReminderKind } from './reminder-kinds';
import { REMINDER_KIND_TABLE, REMINDER_KINDS } from './reminder-kinds';
import { skipReason } from './skip-reason';
import type { SendContext } from './reminder-send.repository';

const DUE = new Date('2026-12-04T12:00:00Z');
const QUIET_SINCE = new Date('2026-11-20T09:30:00Z');
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** The key the writers build for `kind` (its shape in the kinds table). */
function key(kind: ReminderKind): string {
  const parts = { enrolment: 'e1', assignment: 'a1', dueAt: String(epoch(DUE)), quietSince: String(epoch(QUIET_SINCE)) };
  return [kind, ...REMINDER_KIND_TABLE[kind].key.map((p) => parts[p])].join(':');
}

/** A read on which `kind` should be sent: active user and enrolment, live assignment, work outstanding, key current. */
function ctx(kind: ReminderKind, over: Partial<SendContext> = {}): SendContext {
  const assignment = kind === 'assignment' || kind === 'due_soon' || kind === 'overdue';
  return {
    id: 'r1',
    kind,
    status: 'sending',
    dedupe_key: key(kind),
    key_now: key(kind),
    scheduled_for: DUE,
    attempts: 1,
    subject: null,
    body_text: null,
    body_html: null,
    user_id: 'u1',
    email: 'sam@test.local',
    user_name: 'Sam',
    timezone: 'UTC',
    user_active: true,
    has_password: true,
    enrolment_id: 'e1',
    enrolment_status: 'active',
    course_id: 'c1',
    course_title: 'Course',
    course_slug: 'course',
    course_status: 'published',
    assignment_id: assignment ? 'a1' : null,
    assignment_cancelled: assignment ? false : null,
    assignment_applies: assignment ? true : null,
    module_id: assignment ? 'm1' : null,
    module_title: assignment ? 'Module' : null,
    due_at: assignment ? DUE : null,
    module_done: assignment ? false : null,
    outstanding_required: 3,
    quiet_since: QUIET_SINCE,
    preference: null,
    quiet_start: null,
    quiet_end: null,
    has_preferences: false,
    digest_frequency: 'off',
    digest_hour: null,
    digest_weekday: null,
    ...over,
  };
}

const ASSIGNMENT_KINDS: ReminderKind[] = ['assignment', 'due_soon', 'overdue'];
const DUE_KINDS: ReminderKind[] = ['due_soon', 'overdue'];
const moved = (kind: ReminderKind) => key(kind).replace(/:\d+$/, ':1');

describe('skipReason', () => {
  it.each(REMINDER_KINDS)('sends %s when nothing stands in the way (preference unset or on)', (kind) => {
    expect(skipReason(ctx(kind))).toBeNull();
    expect(skipReason(ctx(kind, { preference: true, has_preferences: true }))).toBeNull();
  });

  it.each(REMINDER_KINDS)('%s: deactivated user, dropped enrolment, archived course, opted out', (kind) => {
    expect(skipReason(ctx(kind, { user_active: false }))).toBe('deactivated');
    expect(skipReason(ctx(kind, { enrolment_status: 'dropped' }))).toBe('dropped');
    expect(skipReason(ctx(kind, { course_status: 'archived' }))).toBe('cancelled');
    expect(skipReason(ctx(kind, { preference: false, has_preferences: true }))).toBe('opted_out');
  });

  it('tries the common reasons first: deactivated, then dropped, then archived, then the kind, then the preference', () => {
    const everything = { user_active: false, enrolment_status: 'dropped', course_status: 'archived', module_done: true, preference: false };
    expect(skipReason(ctx('due_soon', everything))).toBe('deactivated');
    expect(skipReason(ctx('due_soon', { ...everything, user_active: true }))).toBe('dropped');
    expect(skipReason(ctx('due_soon', { ...everything, user_active: true, enrolment_status: 'active' }))).toBe('cancelled');
    expect(skipReason(ctx('due_soon', { module_done: true, preference: false }))).toBe('completed');
  });

  it.each(ASSIGNMENT_KINDS)(
    '%s: cancelled when the assignment is gone, cancelled or no longer applies; completed when the module is done',
    (kind) => {
      expect(skipReason(ctx(kind, { assignment_id: null, assignment_cancelled: null, assignment_applies: null }))).toBe('cancelled');
      expect(skipReason(ctx(kind, { assignment_cancelled: true }))).toBe('cancelled');
      expect(skipReason(ctx(kind, { assignment_applies: false }))).toBe('cancelled');
      expect(skipReason(ctx(kind, { module_done: true }))).toBe('completed');
    },
  );

  it.each(DUE_KINDS)(
    '%s: rescheduled when the due date in its key is no longer the one that applies, even if the module is done',
    (kind) => {
      expect(skipReason(ctx(kind, { key_now: moved(kind) }))).toBe('rescheduled');
      expect(skipReason(ctx(kind, { key_now: moved(kind), module_done: true }))).toBe('rescheduled');
    },
  );

  it('an assignment notice does not depend on the due date', () => {
    expect(skipReason(ctx('assignment', { key_now: 'assignment:other' }))).toBeNull();
  });

  it('inactivity: completed when the enrolment is complete or nothing is outstanding, before checking the quiet period', () => {
    expect(skipReason(ctx('inactivity', { enrolment_status: 'completed' }))).toBe('completed');
    expect(skipReason(ctx('inactivity', { outstanding_required: 0 }))).toBe('completed');
    expect(skipReason(ctx('inactivity', { outstanding_required: 0, key_now: moved('inactivity') }))).toBe('completed');
  });

  it('inactivity: cancelled when the student was active since the nudge was planned (a new quiet period)', () => {
    expect(skipReason(ctx('inactivity', { key_now: moved('inactivity') }))).toBe('cancelled');
  });

  it('welcome ignores assignment state and the key', () => {
    expect(skipReason(ctx('welcome', { module_done: true, outstanding_required: 0, key_now: 'welcome:other' }))).toBeNull();
  });
});
