import type { TemplateName } from '../mail/templates';

/**
 * The one definition of the reminder kinds: everything else (the `kind` enum in the API and the
 * entity, the sender's skip rules and quiet hours, the preference each kind obeys, the unsubscribe
 * page's wording, the dedupe keys the writers build and the sender re-builds) is derived from it.
 * See docs/reminder-kinds.md for adding a kind.
 */

/** What a dedupe key is made of; the time parts go in as whole epoch seconds. */
export type KeyPart = 'enrolment' | 'assignment' | 'dueAt' | 'quietSince';
const TIME_PARTS: ReadonlySet<KeyPart> = new Set(['dueAt', 'quietSince']);

/**
 * The sender's checks, tried in the kind's order after the common ones (user deactivated,
 * enrolment dropped, course archived); the first that fails gives the skip reason.
 * - `assignment-live`: the assignment still exists, is not cancelled and still applies (else `cancelled`);
 * - `due-date-kept`: the due date in the key is still the assignment's (else `rescheduled`);
 * - `module-open`: the assigned module is not completed (else `completed`);
 * - `course-open`: required work is outstanding (else `completed`);
 * - `still-quiet`: no activity since the quiet period in the key began (else `cancelled`).
 */
export type SkipCheck = 'assignment-live' | 'due-date-kept' | 'module-open' | 'course-open' | 'still-quiet';

export interface ReminderKindDefinition {
  /** The notification-preferences field (entity and API) that turns this kind off, and its column. */
  preference: 'welcome' | 'assignment' | 'dueSoon' | 'overdue' | 'inactivity';
  preferenceColumn: string;
  template: TemplateName;
  /** How the unsubscribe page names these emails ("Stop <label>?"). */
  label: string;
  /** Waits for the end of the user's quiet hours. */
  quietHours: boolean;
  /** Held for the user's digest, when they chose one, instead of going out alone. */
  digest: boolean;
  /** What writes these rows: an enrolment, a new assignment, an assignment's due date, or the periodic inactivity scan. */
  source: 'enrolment' | 'assignment' | 'due-date' | 'inactivity-scan';
  /** The dedupe key: `<kind>:<part>:<part>…`. A reminder whose key the sender would no longer build is stale. */
  key: readonly KeyPart[];
  checks: readonly SkipCheck[];
}

/** In API order: the OpenAPI enum lists them so. */
export const REMINDER_KIND_TABLE = {
  welcome: {
    preference: 'welcome',
    preferenceColumn: 'welcome',
    template: 'welcome',
    label: 'welcome emails',
    quietHours: false,
    digest: false,
    source: 'enrolment',
    key: ['enrolment'],
    checks: [],
  },
  assignment: {
    preference: 'assignment',
    preferenceColumn: 'assignment',
    template: 'assignment',
    label: 'new assignment notices',
    quietHours: false,
    digest: true,
    source: 'assignment',
    key: ['assignment', 'enrolment'],
    checks: ['assignment-live', 'module-open'],
  },
  due_soon: {
    preference: 'dueSoon',
    preferenceColumn: 'due_soon',
    template: 'due_soon',
    label: '“due soon” reminders',
    quietHours: true,
    digest: true,
    source: 'due-date',
    key: ['assignment', 'enrolment', 'dueAt'],
    checks: ['assignment-live', 'due-date-kept', 'module-open'],
  },
  overdue: {
    preference: 'overdue',
    preferenceColumn: 'overdue',
    template: 'overdue',
    label: 'overdue reminders',
    quietHours: true,
    digest: true,
    source: 'due-date',
    key: ['assignment', 'enrolment', 'dueAt'],
    checks: ['assignment-live', 'due-date-kept', 'module-open'],
  },
  inactivity: {
    preference: 'inactivity',
    preferenceColumn: 'inactivity',
    template: 'inactivity',
    label: 'inactivity nudges',
    quietHours: true,
    digest: true,
    source: 'inactivity-scan',
    key: ['enrolment', 'quietSince'],
    checks: ['course-open', 'still-quiet'],
  },
} as const satisfies Record<string, ReminderKindDefinition>;

export type ReminderKind = keyof typeof REMINDER_KIND_TABLE;
export const REMINDER_KINDS = Object.keys(REMINDER_KIND_TABLE) as ReminderKind[];

export function reminderKind(kind: ReminderKind): ReminderKindDefinition {
  return REMINDER_KIND_TABLE[kind];
}

/**
 * The SQL expression of `kind`'s dedupe key, from SQL expressions for its parts (e.g.
 * `{ enrolment: 'e.id' }` gives `'welcome:' || e.id`). Writers and the sender's re-read both use it.
 */
export function dedupeKeySql(kind: ReminderKind, parts: Partial<Record<KeyPart, string>>): string {
  const pieces = reminderKind(kind).key.map((part) => {
    const sql = parts[part];
    if (!sql) throw new Error(`The ${kind} dedupe key needs ${part}`);
    return TIME_PARTS.has(part) ? `floor(extract(epoch FROM ${sql}))::bigint` : sql;
  });
  return [`'${kind}'`, ...pieces].join(` || ':' || `);
}

/** `CASE <kindSql> WHEN '<kind>' THEN <sql for kind> … END` over every kind. */
export function caseByKind(kindSql: string, sql: (kind: ReminderKind) => string): string {
  return `CASE ${kindSql} ${REMINDER_KINDS.map((kind) => `WHEN '${kind}' THEN ${sql(kind)}`).join(' ')} END`;
}
