import { randomUUID } from 'crypto';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  maxLength?: number;
  maxItems?: number;
  maximum?: number;
};
type Doc = {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: Schema }>; requestBody?: any }>>;
};

/**
 * Issue 19 item 1: the limits openapi.json declares are the ones the server enforces. Each case reads
 * its limit from the served document, sends one over it (400 problem+json naming the field, or the
 * batch's 413) and exactly the limit (not refused for length).
 */
describe('declared limits are enforced (e2e)', () => {
  let t: TestApp;
  let doc: Doc;
  let admin: string;
  let student: string;
  let course: string;

  const resolve = (schema: Schema): Schema => {
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };
  /** The schema at a body's dotted path ('reminderPolicy.inactivityDays', 'authors.[]'). */
  const bodySchema = (path: string, method: string, at: string): Schema => {
    let schema = resolve(doc.paths[path][method].requestBody.content['application/json'].schema);
    for (const key of at.split('.')) schema = resolve(key === '[]' ? schema.items! : schema.properties![key]);
    return schema;
  };
  const queryParam = (path: string, name: string): Schema =>
    doc.paths[path].get.parameters!.find((p) => p.in === 'query' && p.name === name)!.schema;
  const declared = (value: number | undefined): number => {
    expect(value).toEqual(expect.any(Number));
    return value!;
  };

  const expectRefused = (res: { status: number; headers: Record<string, string>; body: any }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field }));
  };
  const expectNotRefusedFor = (res: { status: number; body: any }, field: string) => {
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(413);
    expect((res.body.errors ?? []).map((e: { field: string }) => e.field)).not.toContain(field);
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    student = (await createUser(t, admin, { email: 'limits-student@test.local', role: 'student' })).accessToken;
    course = (await t.http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Limits' })).body.id;
    const served = await t.http().get('/api/docs-json');
    expect(served.status).toBe(200);
    doc = served.body;
  });
  afterAll(() => t.close());

  it('a course title (string body field) is taken at maxLength and refused one over, naming title', async () => {
    const max = declared(bodySchema('/api/v1/courses', 'post', 'title').maxLength);
    expectRefused(
      await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(admin))
        .send({ title: 'a'.repeat(max + 1) }),
      'title',
    );
    const ok = await t
      .http()
      .post('/api/v1/courses')
      .set(bearer(admin))
      .send({ title: 'a'.repeat(max) });
    expect(ok.status).toBe(201);
  });

  it('reminderPolicy.inactivityDays (nested number) is taken at its maximum and refused one over', async () => {
    const max = declared(bodySchema('/api/v1/courses', 'post', 'reminderPolicy.inactivityDays').maximum);
    const send = (days: number) =>
      t
        .http()
        .post('/api/v1/courses')
        .set(bearer(admin))
        .send({ title: `Policy ${days}`, reminderPolicy: { inactivityDays: days } });
    expectRefused(await send(max + 1), 'reminderPolicy.inactivityDays');
    const ok = await send(max);
    expect(ok.status).toBe(201);
    expect(ok.body.reminderPolicy.inactivityDays).toBe(max);
  });

  it("a material's author (string inside an array) and its tags (array) are held to their declared limits", async () => {
    const authorMax = declared(bodySchema('/api/v1/materials', 'post', 'authors.[]').maxLength);
    const tagsMax = declared(bodySchema('/api/v1/materials', 'post', 'tags').maxItems);
    const material = (extra: object) =>
      t
        .http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: `M ${randomUUID()}`, kind: 'article', url: 'https://example.org/a', ...extra });
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag-${i}`);

    const longAuthor = await material({ authors: ['a'.repeat(authorMax + 1)] });
    expect(longAuthor.status).toBe(400);
    expect(longAuthor.body.errors.map((e: { field: string }) => e.field).join(' ')).toMatch(/^authors/);
    expectRefused(await material({ tags: tags(tagsMax + 1) }), 'tags');

    const ok = await material({ authors: ['a'.repeat(authorMax)], tags: tags(tagsMax) });
    expect(ok.status).toBe(201);
    expect(ok.body.tags).toHaveLength(tagsMax);
  });

  it('the q and limit query parameters of GET /materials are held to maxLength and maximum', async () => {
    const qMax = declared(queryParam('/api/v1/materials', 'q').maxLength);
    const limitMax = declared(queryParam('/api/v1/materials', 'limit').maximum);
    const get = (query: Record<string, string>) => t.http().get('/api/v1/materials').query(query).set(bearer(admin));
    expectRefused(await get({ q: 'a'.repeat(qMax + 1) }), 'q');
    expectRefused(await get({ limit: String(limitMax + 1) }), 'limit');
    const ok = await get({ q: 'a'.repeat(qMax), limit: String(limitMax) });
    expect(ok.status).toBe(200);
  });

  it('a progress batch is taken at maxItems events and refused one over (413, naming the limit)', async () => {
    const max = declared(bodySchema('/api/v1/progress/events', 'post', 'events').maxItems);
    const batch = (n: number) => ({
      events: Array.from({ length: n }, () => ({ eventId: randomUUID(), itemId: randomUUID(), type: 'viewed' })),
    });
    const over = await t
      .http()
      .post('/api/v1/progress/events')
      .set(bearer(student))
      .send(batch(max + 1));
    expect(over.status).toBe(413);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(over.body.detail).toContain(String(max));
    const atLimit = await t.http().post('/api/v1/progress/events').set(bearer(student)).send(batch(max));
    expectNotRefusedFor(atLimit, 'events');
    expect(atLimit.status).toBeLessThan(300); // unknown items are rejected one by one, not the batch
  });

  it('a course holds at most the declared number of modules and cohorts: the next is refused with 409', async () => {
    const modulesMax = declared(resolve(doc.components.schemas.ModuleListDto).properties!.data.maxItems);
    const cohortsMax = declared(resolve(doc.components.schemas.CohortListDto).properties!.data.maxItems);
    await t.db.query(
      `INSERT INTO modules (course_id, title, description, position) SELECT $1, 'M' || n, '', n - 1 FROM generate_series(1, $2::int) n`,
      [course, modulesMax - 1],
    );
    await t.db.query(`INSERT INTO cohorts (course_id, name) SELECT $1, 'C' || n FROM generate_series(1, $2::int) n`, [
      course,
      cohortsMax - 1,
    ]);

    const lastModule = await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(admin)).send({ title: 'Last' });
    expect(lastModule.status).toBe(201);
    const moduleTooMany = await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(admin)).send({ title: 'One more' });
    expect(moduleTooMany.status).toBe(409);
    expect(moduleTooMany.body.detail).toBe(`A course holds at most ${modulesMax} modules`);

    const lastCohort = await t.http().post(`/api/v1/courses/${course}/cohorts`).set(bearer(admin)).send({ name: 'Last' });
    expect(lastCohort.status).toBe(201);
    const cohortTooMany = await t.http().post(`/api/v1/courses/${course}/cohorts`).set(bearer(admin)).send({ name: 'One more' });
    expect(cohortTooMany.status).toBe(409);
    const imported = await t
      .http()
      .post(`/api/v1/courses/${course}/enrolments/bulk?createCohorts=true`)
      .set(bearer(admin))
      .send({ rows: [{ email: 'new-cohort@test.local', cohort: 'Brand new' }] });
    expect(imported.status).toBe(409);
    const counts = await t.db.query(
      'SELECT (SELECT count(*)::int FROM modules WHERE course_id = $1) AS modules, (SELECT count(*)::int FROM cohorts WHERE course_id = $1) AS cohorts',
      [course],
    );
    expect(counts.rows[0]).toEqual({ modules: modulesMax, cohorts: cohortsMax });
  });

  it('a module holds at most the declared number of items and a course of instructors: the next is refused with 409', async () => {
    const itemsMax = declared(resolve(doc.components.schemas.ModuleDto).properties!.items.maxItems);
    const instructorsMax = declared(resolve(doc.components.schemas.CourseDto).properties!.instructorIds.maxItems);
    const own = (await t.http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Caps' })).body.id;
    const module = (await t.http().post(`/api/v1/courses/${own}/modules`).set(bearer(admin)).send({ title: 'Full' })).body.id;
    const material = (
      await t.http().post('/api/v1/materials').set(bearer(admin)).send({ title: 'Caps', kind: 'article', url: 'https://example.org/c' })
    ).body.id;
    await t.db.query(
      `INSERT INTO items (module_id, material_id, position, completion) SELECT $1, $2, n - 1, '{"type":"view"}' FROM generate_series(1, $3::int) n`,
      [module, material, itemsMax],
    );
    const item = await t
      .http()
      .post(`/api/v1/modules/${module}/items`)
      .set(bearer(admin))
      .send({ materialId: material, completion: { type: 'view' } });
    expect(item.status).toBe(409);
    expect(item.body.detail).toBe(`A module holds at most ${itemsMax} items`);

    // The creator (admin) is one instructor; fill the course up to the cap with instructors made in SQL.
    await t.db.query(
      `WITH u AS (INSERT INTO users (email, name, role) SELECT 'cap' || n || '@test.local', 'Cap ' || n, 'instructor' FROM generate_series(1, $2::int) n RETURNING id)
       INSERT INTO course_instructors (course_id, user_id) SELECT $1, id FROM u`,
      [own, instructorsMax - 1],
    );
    const extra = await createUser(t, admin, { email: 'one-more-instructor@test.local', role: 'instructor' });
    const added = await t.http().put(`/api/v1/courses/${own}/instructors/${extra.id}`).set(bearer(admin));
    expect(added.status).toBe(409);
    const count = await t.db.query('SELECT count(*)::int AS n FROM course_instructors WHERE course_id = $1', [own]);
    expect(count.rows[0].n).toBe(instructorsMax);
  });
});
