/**
 * The reviewed authorisation table: for every route and method in openapi.json, the answer each
 * kind of caller must get. `ok` means the caller is let through: any status that is not 401, 403,
 * 404 or 5xx (a 400 or 409 from the business rules is fine). A route missing here fails the test.
 *
 * Callers: anonymous; student (enrolled in the course); otherStudent (enrolled in another course);
 * otherInstructor (teaches another course); instructor (teaches the course); admin.
 */
export const ROLES = ['anonymous', 'student', 'otherStudent', 'otherInstructor', 'instructor', 'admin'] as const;
export type Caller = (typeof ROLES)[number];
export type Expect = 'ok' | 401 | 403 | 404;

export interface Fixture {
  courseId: string;
  moduleId: string;
  otherModuleId: string;
  itemId: string;
  materialId: string;
  cohortId: string;
  enrolmentId: string;
  assignmentId: string;
  reminderId: string;
  victimUserId: string;
  instructorId: string;
  otherInstructorId: string;
}

export interface Entry {
  public?: true;
  expect?: Record<Caller, Expect>;
  body?: (f: Fixture) => unknown;
  contentType?: string;
}

const x = (
  anonymous: Expect,
  student: Expect,
  otherStudent: Expect,
  otherInstructor: Expect,
  instructor: Expect,
  admin: Expect,
): Record<Caller, Expect> => ({
  anonymous,
  student,
  otherStudent,
  otherInstructor,
  instructor,
  admin,
});

const ADMIN_ONLY = x(401, 403, 403, 403, 403, 'ok');
const COURSE_STAFF = x(401, 403, 403, 404, 'ok', 'ok'); // the course's instructors and admins
const COURSE_READ = x(401, 'ok', 404, 'ok', 'ok', 'ok'); // published course: enrolled students, instructors, admins
const SIGNED_IN = x(401, 'ok', 'ok', 'ok', 'ok', 'ok');
const AUTHORS = x(401, 403, 403, 'ok', 'ok', 'ok'); // catalogue authors
const ENROLLED_ONLY = x(401, 'ok', 404, 404, 404, 404); // the caller's own enrolment

const future = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

export const MATRIX: Record<string, Entry> = {
  'GET /api/v1/health/live': { public: true },
  'GET /api/v1/health/ready': { public: true },
  'GET /api/v1/metrics': { public: true }, // guarded by METRICS_TOKEN, not by role (round-two.e2e-spec.ts)
  'POST /api/v1/auth/login': { public: true },
  'POST /api/v1/auth/refresh': { public: true },
  'POST /api/v1/auth/logout': { public: true },
  'POST /api/v1/auth/set-password': { public: true },
  'POST /api/v1/auth/password-reset': { public: true }, // same 202 for everyone (password-reset.e2e-spec.ts)
  'POST /unsubscribe': { public: true },
  'GET /api/v1/notifications/unsubscribe': { public: true }, // the signed token is the authority (browser-sessions.e2e-spec.ts)
  'POST /api/v1/notifications/unsubscribe': { public: true },

  'GET /api/v1/me': { expect: SIGNED_IN },
  'PATCH /api/v1/me': { expect: SIGNED_IN, body: () => ({ timezone: 'Europe/Helsinki' }) },
  'GET /api/v1/me/enrolments': { expect: SIGNED_IN },
  'GET /api/v1/me/assignments': { expect: SIGNED_IN },
  'GET /api/v1/me/calendar': { expect: SIGNED_IN },
  'POST /api/v1/me/calendar/rotate': { expect: SIGNED_IN },
  'GET /api/v1/calendar/{file}': { public: true }, // the secret token in the path is the authority; unknown → 404 (calendar.e2e-spec.ts)
  'GET /api/v1/me/notification-preferences': { expect: SIGNED_IN },
  'PUT /api/v1/me/notification-preferences': {
    expect: SIGNED_IN,
    body: () => ({ welcome: true, assignment: true, dueSoon: true, overdue: true, inactivity: false, quietHours: null }),
  },
  'PATCH /api/v1/me/notification-preferences': { expect: SIGNED_IN, body: () => ({ inactivity: true }) },
  'GET /api/v1/me/courses/{courseId}/progress': { expect: ENROLLED_ONLY },

  'POST /api/v1/users': {
    expect: ADMIN_ONLY,
    body: () => ({
      email: `new-${Math.random().toString(36).slice(2)}@matrix.test`,
      name: 'New',
      role: 'student',
      password: 'long-enough-pass',
    }),
  },
  'GET /api/v1/users': { expect: ADMIN_ONLY },
  'GET /api/v1/users/{id}': { expect: ADMIN_ONLY },
  'PATCH /api/v1/users/{id}': { expect: ADMIN_ONLY, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/v1/users/{id}': { expect: ADMIN_ONLY },
  'POST /api/v1/users/{id}/invitation': { expect: ADMIN_ONLY }, // the fixture's victim has no password and no link yet: 202
  'GET /api/v1/admin/audit': { expect: ADMIN_ONLY },
  'GET /api/v1/admin/storage': { expect: ADMIN_ONLY },
  'GET /api/v1/admin/reminders': { expect: ADMIN_ONLY },
  'POST /api/v1/admin/reminders/{id}/retry': { expect: ADMIN_ONLY },
  'POST /api/v1/admin/queues/session': { expect: ADMIN_ONLY },

  'GET /api/v1/materials': { expect: SIGNED_IN },
  'GET /api/v1/materials/{id}': { expect: SIGNED_IN },
  'POST /api/v1/materials': { expect: AUTHORS, body: () => ({ title: 'Matrix material', kind: 'article', url: 'https://example.edu/m' }) },
  'PATCH /api/v1/materials/{id}': { expect: AUTHORS, body: () => ({ summary: 'Edited' }) },
  'DELETE /api/v1/materials/{id}': { expect: AUTHORS },

  'GET /api/v1/courses': { expect: SIGNED_IN },
  'POST /api/v1/courses': { expect: AUTHORS, body: () => ({ title: 'Matrix course' }) },
  'GET /api/v1/courses/{id}': { expect: COURSE_READ },
  'PATCH /api/v1/courses/{id}': { expect: COURSE_STAFF, body: () => ({ description: 'Edited' }) },
  'POST /api/v1/courses/{id}/publish': { expect: COURSE_STAFF },
  'POST /api/v1/courses/{id}/archive': { expect: COURSE_STAFF },
  'POST /api/v1/courses/{id}/unarchive': { expect: COURSE_STAFF }, // 409 for a course that is not archived counts as let through
  'PUT /api/v1/courses/{id}/instructors/{userId}': { expect: COURSE_STAFF },
  'DELETE /api/v1/courses/{id}/instructors/{userId}': { expect: COURSE_STAFF },
  'GET /api/v1/courses/{id}/modules': { expect: COURSE_READ },
  'POST /api/v1/courses/{id}/modules': { expect: COURSE_STAFF, body: () => ({ title: 'Matrix module' }) },
  'PUT /api/v1/courses/{id}/modules/order': { expect: COURSE_STAFF, body: (f) => ({ moduleIds: [f.otherModuleId, f.moduleId] }) },
  'PATCH /api/v1/modules/{id}': { expect: COURSE_STAFF, body: () => ({ title: 'Renamed module' }) },
  'DELETE /api/v1/modules/{id}': { expect: COURSE_STAFF },
  'POST /api/v1/modules/{id}/items': { expect: COURSE_STAFF, body: (f) => ({ materialId: f.materialId, completion: { type: 'view' } }) },
  'PUT /api/v1/modules/{id}/items/order': { expect: COURSE_STAFF, body: (f) => ({ itemIds: [f.itemId] }) },
  'PATCH /api/v1/items/{id}': { expect: COURSE_STAFF, body: () => ({ required: false }) },
  'DELETE /api/v1/items/{id}': { expect: COURSE_STAFF },

  'GET /api/v1/courses/{id}/cohorts': { expect: COURSE_STAFF },
  'POST /api/v1/courses/{id}/cohorts': { expect: COURSE_STAFF, body: () => ({ name: `Cohort ${Math.random().toString(36).slice(2)}` }) },
  'PATCH /api/v1/cohorts/{id}': { expect: COURSE_STAFF, body: () => ({ name: `Renamed ${Math.random().toString(36).slice(2)}` }) },
  'DELETE /api/v1/cohorts/{id}': { expect: COURSE_STAFF }, // the fixture's cohort is empty: 204
  'GET /api/v1/courses/{id}/enrolments': { expect: COURSE_STAFF },
  'POST /api/v1/courses/{id}/enrolments': {
    expect: COURSE_STAFF,
    body: () => ({ email: `enrol-${Math.random().toString(36).slice(2)}@matrix.test` }),
  },
  'POST /api/v1/courses/{id}/enrolments/bulk': {
    expect: COURSE_STAFF,
    body: () => ({ rows: [{ email: `bulk-${Math.random().toString(36).slice(2)}@matrix.test` }] }),
  },
  'PATCH /api/v1/enrolments/{id}': { expect: COURSE_STAFF, body: (f) => ({ cohortId: f.cohortId }) },
  'DELETE /api/v1/enrolments/{id}': { expect: COURSE_STAFF },

  'GET /api/v1/courses/{id}/assignments': { expect: COURSE_STAFF },
  'POST /api/v1/courses/{id}/assignments': {
    expect: COURSE_STAFF,
    body: (f) => ({ moduleId: f.moduleId, dueAt: future(), target: { type: 'course' } }),
  },
  'PATCH /api/v1/assignments/{id}': { expect: COURSE_STAFF, body: () => ({ dueAt: future() }) },
  'DELETE /api/v1/assignments/{id}': { expect: COURSE_STAFF },
  'PUT /api/v1/assignments/{id}/overrides/{enrolmentId}': { expect: COURSE_STAFF, body: () => ({ dueAt: future() }) },
  'DELETE /api/v1/assignments/{id}/overrides/{enrolmentId}': { expect: COURSE_STAFF },

  'POST /api/v1/progress/events': {
    expect: SIGNED_IN,
    body: (f) => ({ events: [{ eventId: crypto.randomUUID(), itemId: f.itemId, type: 'viewed', occurredAt: new Date().toISOString() }] }),
  },
  'POST /api/v1/items/{id}/complete': { expect: ENROLLED_ONLY },
  'GET /api/v1/courses/{id}/progress': { expect: COURSE_STAFF },
  'GET /api/v1/courses/{id}/progress/summary': { expect: COURSE_STAFF },
  'GET /api/v1/courses/{id}/enrolments/{enrolmentId}/progress': { expect: COURSE_STAFF },
  'GET /api/v1/courses/{id}/reminders': { expect: COURSE_STAFF },
};

/** Fills a path template from the fixture. */
export function fillPath(method: string, template: string, f: Fixture): string {
  const scope = template.split('/')[3];
  const idFor: Record<string, string> = {
    courses: f.courseId,
    modules: f.moduleId,
    items: f.itemId,
    materials: f.materialId,
    users: f.victimUserId,
    enrolments: f.enrolmentId,
    cohorts: f.cohortId,
    assignments: f.assignmentId,
    admin: f.reminderId,
  };
  return template
    .replace('{courseId}', f.courseId)
    .replace('{userId}', method === 'delete' ? f.instructorId : f.otherInstructorId)
    .replace('{enrolmentId}', f.enrolmentId)
    .replace('{id}', idFor[scope] ?? 'missing');
}
