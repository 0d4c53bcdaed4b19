import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

describe('courses, modules and items (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let owner: User; // instructor of course A
  let other: User; // instructor of course B only
  let student: User; // enrolled in A
  let outsider: User; // student enrolled nowhere
  let courseA: string;
  let courseB: string;
  let video: string;
  let article: string;

  const http = () => t.http();
  const as = (token: string) => bearer(token);

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'owner@test.local', role: 'instructor' });
    other = await createUser(t, admin, { email: 'other@test.local', role: 'instructor' });
    student = await createUser(t, admin, { email: 'stu@test.local', role: 'student' });
    outsider = await createUser(t, admin, { email: 'out@test.local', role: 'student' });
    courseA = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Negotiating Peace' })).body.id;
    courseB = (await http().post('/api/v1/courses').set(as(other.accessToken)).send({ title: 'Course B' })).body.id;
    video = (
      await http()
        .post('/api/v1/materials')
        .set(as(admin))
        .send({ title: 'Santos video', kind: 'video', url: 'https://example.edu/v', durationSeconds: 600 })
    ).body.id;
    article = (
      await http().post('/api/v1/materials').set(as(admin)).send({ title: 'An article', kind: 'article', url: 'https://example.edu/a' })
    ).body.id;
    await t.db.query("INSERT INTO enrolments (course_id, user_id, status) VALUES ($1, $2, 'active')", [courseA, student.id]);
  });
  afterAll(() => t.close());

  async function module(courseId: string, title: string, token = owner.accessToken, extra: object = {}) {
    const res = await http()
      .post(`/api/v1/courses/${courseId}/modules`)
      .set(as(token))
      .send({ title, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; position: number };
  }

  it('makes the creator an instructor, derives the slug and applies policy defaults', async () => {
    const res = await http().get(`/api/v1/courses/${courseA}`).set(as(owner.accessToken));
    expect(res.body).toMatchObject({
      slug: 'negotiating-peace',
      status: 'draft',
      instructorIds: [owner.id],
      reminderPolicy: { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 },
    });
    const dup = await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Negotiating Peace' });
    expect(dup.body.slug).toBe('negotiating-peace-2');
    const taken = await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'X', slug: 'negotiating-peace' });
    expect(taken.status).toBe(409);
  });

  it('validates the reminder policy', async () => {
    const bad = await http()
      .patch(`/api/v1/courses/${courseA}`)
      .set(as(owner.accessToken))
      .send({ reminderPolicy: { dueSoonMinutesBefore: 50000, inactivityDays: 0, spam: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['reminderPolicy.dueSoonMinutesBefore', 'reminderPolicy.inactivityDays', 'reminderPolicy.spam']),
    );
    const ok = await http()
      .patch(`/api/v1/courses/${courseA}`)
      .set(as(owner.accessToken))
      .send({ reminderPolicy: { dueSoonMinutesBefore: 120 } });
    expect(ok.body.reminderPolicy).toEqual({ dueSoonMinutesBefore: 120, overdueMinutesAfter: 60, inactivityDays: 7 });
  });

  it('lists courses by role: admins all, instructors theirs, students published enrolled ones', async () => {
    const ids = async (token: string) => (await http().get('/api/v1/courses').set(as(token))).body.data.map((c: { id: string }) => c.id);
    expect(await ids(admin)).toEqual(expect.arrayContaining([courseA, courseB]));
    expect(await ids(other.accessToken)).toEqual([courseB]);
    expect(await ids(student.accessToken)).toEqual([]); // A is still a draft
    await http().post(`/api/v1/courses/${courseA}/publish`).set(as(owner.accessToken)).expect(200);
    expect(await ids(student.accessToken)).toEqual([courseA]);
    expect(await ids(outsider.accessToken)).toEqual([]);
  });

  describe('role matrix', () => {
    it('answers 401 to anonymous callers on every course route', async () => {
      const routes: Array<[string, string]> = [
        ['get', '/api/v1/courses'],
        ['post', '/api/v1/courses'],
        ['get', `/api/v1/courses/${courseA}`],
        ['patch', `/api/v1/courses/${courseA}`],
        ['post', `/api/v1/courses/${courseA}/publish`],
        ['post', `/api/v1/courses/${courseA}/archive`],
        ['put', `/api/v1/courses/${courseA}/instructors/${other.id}`],
        ['delete', `/api/v1/courses/${courseA}/instructors/${other.id}`],
        ['get', `/api/v1/courses/${courseA}/modules`],
        ['post', `/api/v1/courses/${courseA}/modules`],
        ['put', `/api/v1/courses/${courseA}/modules/order`],
        ['patch', '/api/v1/modules/00000000-0000-4000-8000-000000000000'],
        ['delete', '/api/v1/modules/00000000-0000-4000-8000-000000000000'],
        ['post', '/api/v1/modules/00000000-0000-4000-8000-000000000000/items'],
        ['put', '/api/v1/modules/00000000-0000-4000-8000-000000000000/items/order'],
        ['patch', '/api/v1/items/00000000-0000-4000-8000-000000000000'],
        ['delete', '/api/v1/items/00000000-0000-4000-8000-000000000000'],
      ];
      for (const [method, path] of routes) {
        const res = await (http() as any)[method](path).send({});
        expect([path, res.status]).toEqual([path, 401]);
      }
    });

    it('refuses every write to students with 403, even on their own course', async () => {
      const m = await module(courseA, 'Student-proof module');
      const item = (
        await http()
          .post(`/api/v1/modules/${m.id}/items`)
          .set(as(owner.accessToken))
          .send({ materialId: article, completion: { type: 'view' } })
      ).body.id;
      const writes: Array<[string, string, object]> = [
        ['post', '/api/v1/courses', { title: 'Mine' }],
        ['patch', `/api/v1/courses/${courseA}`, { title: 'x' }],
        ['post', `/api/v1/courses/${courseA}/publish`, {}],
        ['post', `/api/v1/courses/${courseA}/archive`, {}],
        ['put', `/api/v1/courses/${courseA}/instructors/${student.id}`, {}],
        ['delete', `/api/v1/courses/${courseA}/instructors/${owner.id}`, {}],
        ['post', `/api/v1/courses/${courseA}/modules`, { title: 'x' }],
        ['put', `/api/v1/courses/${courseA}/modules/order`, { moduleIds: [] }],
        ['patch', `/api/v1/modules/${m.id}`, { title: 'x' }],
        ['delete', `/api/v1/modules/${m.id}`, {}],
        ['post', `/api/v1/modules/${m.id}/items`, { materialId: article, completion: { type: 'view' } }],
        ['put', `/api/v1/modules/${m.id}/items/order`, { itemIds: [item] }],
        ['patch', `/api/v1/items/${item}`, { required: false }],
        ['delete', `/api/v1/items/${item}`, {}],
      ];
      for (const [method, path, body] of writes) {
        const res = await (http() as any)[method](path).set(as(student.accessToken)).send(body);
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
      await http().delete(`/api/v1/modules/${m.id}`).set(as(owner.accessToken)).expect(204);
    });

    it('hides course A from another course’s instructor (404) for reads of drafts and every write', async () => {
      const draft = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Secret draft' })).body.id;
      const m = await module(draft, 'Draft module');
      const item = (
        await http()
          .post(`/api/v1/modules/${m.id}/items`)
          .set(as(owner.accessToken))
          .send({ materialId: article, completion: { type: 'view' } })
      ).body.id;
      const attempts: Array<[string, string, object]> = [
        ['get', `/api/v1/courses/${draft}`, {}],
        ['get', `/api/v1/courses/${draft}/modules`, {}],
        ['patch', `/api/v1/courses/${draft}`, { title: 'x' }],
        ['post', `/api/v1/courses/${draft}/publish`, {}],
        ['post', `/api/v1/courses/${draft}/archive`, {}],
        ['put', `/api/v1/courses/${draft}/instructors/${other.id}`, {}],
        ['delete', `/api/v1/courses/${draft}/instructors/${owner.id}`, {}],
        ['post', `/api/v1/courses/${draft}/modules`, { title: 'x' }],
        ['put', `/api/v1/courses/${draft}/modules/order`, { moduleIds: [m.id] }],
        ['patch', `/api/v1/modules/${m.id}`, { title: 'x' }],
        ['delete', `/api/v1/modules/${m.id}`, {}],
        ['post', `/api/v1/modules/${m.id}/items`, { materialId: article, completion: { type: 'view' } }],
        ['put', `/api/v1/modules/${m.id}/items/order`, { itemIds: [item] }],
        ['patch', `/api/v1/items/${item}`, { required: false }],
        ['delete', `/api/v1/items/${item}`, {}],
      ];
      for (const [method, path, body] of attempts) {
        const res = await (http() as any)[method](path).set(as(other.accessToken)).send(body);
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      // A student not enrolled sees nothing either; admins see and change everything.
      expect((await http().get(`/api/v1/courses/${draft}`).set(as(outsider.accessToken))).status).toBe(404);
      expect((await http().get(`/api/v1/courses/${courseA}`).set(as(outsider.accessToken))).status).toBe(404);
      expect((await http().patch(`/api/v1/courses/${draft}`).set(as(admin)).send({ description: 'admin edit' })).status).toBe(200);
      // Published courses of others are readable by instructors, not writable.
      expect((await http().get(`/api/v1/courses/${courseA}`).set(as(other.accessToken))).status).toBe(200);
      expect((await http().patch(`/api/v1/courses/${courseA}`).set(as(other.accessToken)).send({ title: 'x' })).status).toBe(404);
    });
  });

  it('manages instructors: adds one, refuses students, keeps at least one', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Team taught' })).body.id;
    const added = await http().put(`/api/v1/courses/${c}/instructors/${other.id}`).set(as(owner.accessToken));
    expect(added.body.instructorIds.sort()).toEqual([owner.id, other.id].sort());
    expect((await http().put(`/api/v1/courses/${c}/instructors/${other.id}`).set(as(owner.accessToken))).status).toBe(200);
    expect((await http().put(`/api/v1/courses/${c}/instructors/${student.id}`).set(as(owner.accessToken))).status).toBe(400);
    expect((await http().patch(`/api/v1/courses/${c}`).set(as(other.accessToken)).send({ title: 'Co-taught' })).status).toBe(200);
    await http().delete(`/api/v1/courses/${c}/instructors/${owner.id}`).set(as(other.accessToken)).expect(204);
    const last = await http().delete(`/api/v1/courses/${c}/instructors/${other.id}`).set(as(admin));
    expect(last.status).toBe(409);
    const audit = await http().get('/api/v1/admin/audit').query({ entity: 'course', entityId: c }).set(as(admin));
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual([
      'course.instructor_removed',
      'course.updated',
      'course.instructor_added',
      'course.created',
    ]);
  });

  it('builds modules and items, returned in order with their materials', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Structure' })).body.id;
    const m1 = await module(c, 'One');
    const m2 = await module(c, 'Two', owner.accessToken, { prerequisiteModuleIds: [m1.id], unlockAt: '2030-01-01T00:00:00Z' });
    expect([m1.position, m2.position]).toEqual([0, 1]);
    const watch = await http()
      .post(`/api/v1/modules/${m2.id}/items`)
      .set(as(owner.accessToken))
      .send({ materialId: video, completion: { type: 'watch', minPercent: 90 } });
    expect(watch.status).toBe(201);
    expect(watch.body).toMatchObject({
      position: 0,
      required: true,
      completion: { type: 'watch', minPercent: 90 },
      material: { id: video, kind: 'video' },
    });
    await http()
      .post(`/api/v1/modules/${m2.id}/items`)
      .set(as(owner.accessToken))
      .send({ materialId: article, required: false, completion: { type: 'mark_done' } })
      .expect(201);
    const list = await http().get(`/api/v1/courses/${c}/modules`).set(as(owner.accessToken));
    expect(list.body.data.map((m: { title: string }) => m.title)).toEqual(['One', 'Two']);
    expect(list.body.data[1]).toMatchObject({ prerequisiteModuleIds: [m1.id], unlockAt: '2030-01-01T00:00:00.000Z' });
    expect(list.body.data[1].items.map((i: { material: { title: string } }) => i.material.title)).toEqual(['Santos video', 'An article']);
    const cleared = await http()
      .patch(`/api/v1/modules/${m2.id}`)
      .set(as(owner.accessToken))
      .send({ unlockAt: null, prerequisiteModuleIds: [] });
    expect(cleared.body).toMatchObject({ unlockAt: null, prerequisiteModuleIds: [] });
  });

  it('reads modules with items and materials in a constant number of queries (no N+1)', async () => {
    const { PostgresQueryRunner } = await import('typeorm/driver/postgres/PostgresQueryRunner');
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const queriesFor = async (modules: number) => {
      const c = (
        await http()
          .post('/api/v1/courses')
          .set(as(owner.accessToken))
          .send({ title: `Size ${modules}` })
      ).body.id;
      for (let i = 0; i < modules; i++) {
        const m = await module(c, `M${i}`);
        await http()
          .post(`/api/v1/modules/${m.id}/items`)
          .set(as(owner.accessToken))
          .send({ materialId: article, completion: { type: 'view' } });
        await http()
          .post(`/api/v1/modules/${m.id}/items`)
          .set(as(owner.accessToken))
          .send({ materialId: video, completion: { type: 'view' } });
      }
      spy.mockClear();
      const res = await http().get(`/api/v1/courses/${c}/modules`).set(as(owner.accessToken));
      expect(res.body.data).toHaveLength(modules);
      return spy.mock.calls.length;
    };
    try {
      const small = await queriesFor(1);
      const large = await queriesFor(12);
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(7);
    } finally {
      spy.mockRestore();
    }
  });

  it('validates completion rules', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Rules' })).body.id;
    const m = await module(c, 'Rules');
    const post = (body: object) => http().post(`/api/v1/modules/${m.id}/items`).set(as(owner.accessToken)).send(body);
    expect((await post({ materialId: video, completion: { type: 'watch' } })).body.errors[0].field).toBe('completion.minPercent');
    expect((await post({ materialId: video, completion: { type: 'watch', minPercent: 0 } })).status).toBe(400);
    expect((await post({ materialId: video, completion: { type: 'watch', minPercent: 101 } })).status).toBe(400);
    expect((await post({ materialId: article, completion: { type: 'watch', minPercent: 50 } })).body.errors[0].field).toBe(
      'completion.type',
    );
    expect((await post({ materialId: article, completion: { type: 'view', minPercent: 50 } })).status).toBe(400);
    expect((await post({ materialId: article, completion: { type: 'skim' } })).status).toBe(400);
    expect((await post({ materialId: '00000000-0000-4000-8000-000000000000', completion: { type: 'view' } })).body.errors[0].field).toBe(
      'materialId',
    );
    expect((await post({ materialId: article, completion: { type: 'view' } })).status).toBe(201);
  });

  it('refuses unknown prerequisites (400) and cycles (409 naming the cycle)', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Cycles' })).body.id;
    const a = await module(c, 'Alpha');
    const b = await module(c, 'Beta', owner.accessToken, { prerequisiteModuleIds: [a.id] });
    const g = await module(c, 'Gamma', owner.accessToken, { prerequisiteModuleIds: [b.id] });
    const foreign = await module(courseB, 'Foreign', other.accessToken);
    const unknown = await http()
      .patch(`/api/v1/modules/${a.id}`)
      .set(as(owner.accessToken))
      .send({ prerequisiteModuleIds: [foreign.id] });
    expect(unknown.status).toBe(400);
    const cycle = await http()
      .patch(`/api/v1/modules/${a.id}`)
      .set(as(owner.accessToken))
      .send({ prerequisiteModuleIds: [g.id] });
    expect(cycle.status).toBe(409);
    expect(cycle.body.detail).toContain('"Alpha" → "Gamma" → "Beta" → "Alpha"');
    const self = await http()
      .patch(`/api/v1/modules/${b.id}`)
      .set(as(owner.accessToken))
      .send({ prerequisiteModuleIds: [b.id] });
    expect(self.status).toBe(409);
    const edges = await t.db.query(
      'SELECT count(*)::int AS n FROM module_prerequisites mp JOIN modules m ON m.id = mp.module_id WHERE m.course_id = $1',
      [c],
    );
    expect(edges.rows[0].n).toBe(2);
  });

  it('keeps positions dense and unique under two concurrent reorders and concurrent creates', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Concurrency' })).body.id;
    const created = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((title) => module(c, title)));
    const positions = async () => (await t.db.query('SELECT id, position FROM modules WHERE course_id = $1 ORDER BY position', [c])).rows;
    expect((await positions()).map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
    const ids = created.map((m) => m.id);
    const forward = [...ids].sort();
    const backward = [...forward].reverse();
    const [r1, r2] = await Promise.all([
      http().put(`/api/v1/courses/${c}/modules/order`).set(as(owner.accessToken)).send({ moduleIds: forward }),
      http().put(`/api/v1/courses/${c}/modules/order`).set(as(admin)).send({ moduleIds: backward }),
    ]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const final = await positions();
    expect(final.map((r) => r.position)).toEqual([0, 1, 2, 3, 4]);
    expect([forward, backward]).toContainEqual(final.map((r) => r.id));
    const wrong = await http()
      .put(`/api/v1/courses/${c}/modules/order`)
      .set(as(owner.accessToken))
      .send({ moduleIds: ids.slice(1) });
    expect(wrong.status).toBe(400);
    await http().delete(`/api/v1/modules/${ids[2]}`).set(as(owner.accessToken)).expect(204);
    expect((await positions()).map((r) => r.position)).toEqual([0, 1, 2, 3]);
  });

  it('reorders and deletes items with dense positions', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Items order' })).body.id;
    const m = await module(c, 'Items');
    const items = [];
    for (let i = 0; i < 3; i++)
      items.push(
        (
          await http()
            .post(`/api/v1/modules/${m.id}/items`)
            .set(as(owner.accessToken))
            .send({ materialId: article, completion: { type: 'view' } })
        ).body.id,
      );
    const reordered = await http()
      .put(`/api/v1/modules/${m.id}/items/order`)
      .set(as(owner.accessToken))
      .send({ itemIds: [items[2], items[0], items[1]] });
    expect(reordered.body.items.map((i: { id: string }) => i.id)).toEqual([items[2], items[0], items[1]]);
    await http().delete(`/api/v1/items/${items[0]}`).set(as(owner.accessToken)).expect(204);
    const after = await t.db.query('SELECT id, position FROM items WHERE module_id = $1 ORDER BY position', [m.id]);
    expect(after.rows).toEqual([
      { id: items[2], position: 0 },
      { id: items[1], position: 1 },
    ]);
  });

  it('makes archived courses read-only (409) but still readable', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'To archive' })).body.id;
    const m = await module(c, 'Kept');
    const item = (
      await http()
        .post(`/api/v1/modules/${m.id}/items`)
        .set(as(owner.accessToken))
        .send({ materialId: article, completion: { type: 'view' } })
    ).body.id;
    const archived = await http().post(`/api/v1/courses/${c}/archive`).set(as(owner.accessToken));
    expect(archived.body.status).toBe('archived');
    const writes: Array<[string, string, object]> = [
      ['patch', `/api/v1/courses/${c}`, { title: 'x' }],
      ['post', `/api/v1/courses/${c}/publish`, {}],
      ['put', `/api/v1/courses/${c}/instructors/${other.id}`, {}],
      ['post', `/api/v1/courses/${c}/modules`, { title: 'x' }],
      ['put', `/api/v1/courses/${c}/modules/order`, { moduleIds: [m.id] }],
      ['patch', `/api/v1/modules/${m.id}`, { title: 'x' }],
      ['delete', `/api/v1/modules/${m.id}`, {}],
      ['post', `/api/v1/modules/${m.id}/items`, { materialId: article, completion: { type: 'view' } }],
      ['patch', `/api/v1/items/${item}`, { required: false }],
      ['delete', `/api/v1/items/${item}`, {}],
    ];
    for (const [method, path, body] of writes) {
      const res = await (http() as any)[method](path).set(as(owner.accessToken)).send(body);
      expect([method, path, res.status]).toEqual([method, path, 409]);
    }
    expect((await http().post(`/api/v1/courses/${c}/archive`).set(as(owner.accessToken))).status).toBe(200);
    expect((await http().get(`/api/v1/courses/${c}/modules`).set(as(owner.accessToken))).body.data).toHaveLength(1);
  });

  it('unarchives to published when the course had been published, else to draft; 409 when not archived', async () => {
    const published = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Back again' })).body.id;
    await http().post(`/api/v1/courses/${published}/publish`).set(as(owner.accessToken)).expect(200);
    const notArchived = await http().post(`/api/v1/courses/${published}/unarchive`).set(as(owner.accessToken));
    expect(notArchived.status).toBe(409);
    expect(notArchived.headers['content-type']).toContain('application/problem+json');
    expect(notArchived.body.detail).toBe('The course is published, not archived');
    await http().post(`/api/v1/courses/${published}/archive`).set(as(owner.accessToken)).expect(200);
    const back = await http().post(`/api/v1/courses/${published}/unarchive`).set(as(owner.accessToken));
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: published, status: 'published', archivedAt: null });
    expect(back.body.publishedAt).toEqual(expect.any(String));
    // Writable again.
    await http().patch(`/api/v1/courses/${published}`).set(as(owner.accessToken)).send({ title: 'Back again, edited' }).expect(200);

    const draft = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Never published' })).body.id;
    await http().post(`/api/v1/courses/${draft}/archive`).set(as(owner.accessToken)).expect(200);
    // Another course's instructor and students do not get to see it.
    expect((await http().post(`/api/v1/courses/${draft}/unarchive`).set(as(other.accessToken))).status).toBe(404);
    expect((await http().post(`/api/v1/courses/${draft}/unarchive`).set(as(student.accessToken))).status).toBe(403);
    const toDraft = await http().post(`/api/v1/courses/${draft}/unarchive`).set(as(admin));
    expect(toDraft.status).toBe(200);
    expect(toDraft.body).toMatchObject({ status: 'draft', publishedAt: null, archivedAt: null });

    const audit = await http().get('/api/v1/admin/audit').query({ entity: 'course', limit: 200 }).set(as(admin));
    const entries = audit.body.data.filter((a: { action: string; entityId: string }) => a.action === 'course.unarchived');
    expect(entries.map((a: { entityId: string }) => a.entityId).sort()).toEqual([published, draft].sort());
    const first = entries.find((a: { entityId: string }) => a.entityId === published);
    expect(first).toMatchObject({ actorId: owner.id, before: { status: 'archived' }, after: { status: 'published' } });
  });

  it('does not resend on unarchive a reminder that was skipped while the course was archived', async () => {
    const c = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Reminders kept' })).body.id;
    await http().post(`/api/v1/courses/${c}/publish`).set(as(owner.accessToken)).expect(200);
    const e = await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: outsider.id });
    expect(e.status).toBe(201);
    await http().post(`/api/v1/courses/${c}/archive`).set(as(owner.accessToken)).expect(200);
    await t.db.query("UPDATE reminders SET status = 'skipped', skip_reason = 'cancelled' WHERE enrolment_id = $1", [e.body.id]);
    const ids = async () =>
      (await t.db.query('SELECT id, status FROM reminders WHERE enrolment_id = $1 ORDER BY id', [e.body.id])).rows;
    const before = await ids();
    expect(before.length).toBeGreaterThan(0);
    await http().post(`/api/v1/courses/${c}/unarchive`).set(as(owner.accessToken)).expect(200);
    // Unarchiving writes no reminder rows and revives none.
    expect(await ids()).toEqual(before);
  });

  it('audits changes to courses, modules and items', async () => {
    const res = await http().get('/api/v1/admin/audit').query({ actorId: owner.id, limit: 200 }).set(as(admin));
    const actions = new Set(res.body.data.map((a: { action: string }) => a.action));
    for (const action of [
      'course.created',
      'course.updated',
      'course.published',
      'course.archived',
      'module.created',
      'module.updated',
      'module.deleted',
      'module.reordered',
      'item.created',
      'item.deleted',
      'item.reordered',
    ]) {
      expect(actions).toContain(action);
    }
  });
});
