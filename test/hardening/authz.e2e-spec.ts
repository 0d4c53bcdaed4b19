import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';
import type { Caller, Fixture } from './authz-matrix';
import { fillPath, MATRIX, ROLES } from './authz-matrix';

const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.keys(methods).map((method) => ({ method, path, key: `${method.toUpperCase()} ${path}` })),
);

describe('authorisation matrix, generated from openapi.json (e2e)', () => {
  let t: TestApp;
  const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  const ids = {} as Record<string, string>;
  let material: string;
  let shared: Fixture;

  async function fixture(): Promise<Fixture> {
    const as = (token: string) => bearer(token);
    const post = async (path: string, token: string, body: object = {}) => {
      const res = await t.http().post(path).set(as(token)).send(body);
      if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const courseId = (await post('/api/v1/courses', tokens.instructor, { title: `Matrix ${randomUUID()}` })).id;
    const moduleId = (await post(`/api/v1/courses/${courseId}/modules`, tokens.instructor, { title: 'One' })).id;
    const otherModuleId = (await post(`/api/v1/courses/${courseId}/modules`, tokens.instructor, { title: 'Two' })).id;
    const itemId = (
      await post(`/api/v1/modules/${moduleId}/items`, tokens.instructor, { materialId: material, completion: { type: 'mark_done' } })
    ).id;
    await post(`/api/v1/courses/${courseId}/publish`, tokens.instructor);
    const cohortId = (await post(`/api/v1/courses/${courseId}/cohorts`, tokens.instructor, { name: 'Main' })).id;
    const enrolmentId = (await post(`/api/v1/courses/${courseId}/enrolments`, tokens.instructor, { userId: ids.student })).id;
    const assignmentId = (
      await post(`/api/v1/courses/${courseId}/assignments`, tokens.instructor, {
        moduleId,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        target: { type: 'course' },
      })
    ).id;
    const reminderId = (await t.db.query('SELECT id FROM reminders WHERE enrolment_id = $1 LIMIT 1', [enrolmentId])).rows[0].id;
    const victimUserId = (
      await t.db.query("INSERT INTO users (email, name, role) VALUES ($1, 'Victim', 'student') RETURNING id", [
        `victim-${randomUUID()}@matrix.test`,
      ])
    ).rows[0].id;
    return {
      courseId,
      moduleId,
      otherModuleId,
      itemId,
      materialId: material,
      cohortId,
      enrolmentId,
      assignmentId,
      reminderId,
      victimUserId,
      instructorId: ids.instructor,
      otherInstructorId: ids.otherInstructor,
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    tokens.admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    for (const [role, kind] of [
      ['student', 'student'],
      ['otherStudent', 'student'],
      ['otherInstructor', 'instructor'],
      ['instructor', 'instructor'],
    ] as const) {
      const user = await createUser(t, tokens.admin, { email: `${role.toLowerCase()}@matrix.test`, role: kind });
      tokens[role] = user.accessToken;
      ids[role] = user.id;
    }
    material = (
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(tokens.admin))
        .send({ title: 'Exercise', kind: 'teaching_note', url: 'https://example.edu/e' })
    ).body.id;
    const elsewhere = (await t.http().post('/api/v1/courses').set(bearer(tokens.otherInstructor)).send({ title: 'Elsewhere' })).body.id;
    await t.http().post(`/api/v1/courses/${elsewhere}/publish`).set(bearer(tokens.otherInstructor)).expect(200);
    await t
      .http()
      .post(`/api/v1/courses/${elsewhere}/enrolments`)
      .set(bearer(tokens.otherInstructor))
      .send({ userId: ids.otherStudent })
      .expect(201);
    shared = await fixture();
  });
  afterAll(() => t.close());

  it('has a reviewed entry for every route and method in the spec, and none for routes that are gone', () => {
    const missing = routes.filter((r) => !MATRIX[r.key]).map((r) => r.key);
    expect(missing).toEqual([]);
    const stale = Object.keys(MATRIX).filter((key) => !routes.some((r) => r.key === key));
    expect(stale).toEqual([]);
  });

  const guarded = routes.filter((r) => MATRIX[r.key] && !MATRIX[r.key].public);
  it.each(guarded.map((r) => [r.key, r] as const))('%s answers each caller as the table says', async (_key, route) => {
    const entry = MATRIX[route.key];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      const want = entry.expect![role];
      // A caller who is let through may change things: give it a fixture of its own.
      const f = want === 'ok' ? await fixture() : shared;
      let req = (t.http() as any)[route.method](fillPath(route.method, route.path, f));
      if (role !== 'anonymous') req = req.set(bearer(tokens[role]));
      const body = entry.body?.(f);
      const res = await (body === undefined ? req : req.send(body));
      const got = res.status;
      outcomes.push(`${role}:${want === 'ok' ? (got < 500 && ![401, 403, 404].includes(got) ? 'ok' : got) : got}`);
      expected.push(`${role}:${want}`);
      expect(res.status).toBeLessThan(500);
      // Whatever the answer, it never carries a password or token hash.
      expect(JSON.stringify(res.body ?? {})).not.toMatch(/"(passwordHash|password_hash|tokenHash|token_hash)"|\$argon2/);
    }
    expect(outcomes).toEqual(expected);
  });
});
