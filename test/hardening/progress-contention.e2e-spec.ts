import { randomUUID } from 'crypto';
import type { PoolClient } from 'pg';
import { Clock } from '../../src/common/clock';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';

/**
 * Issue 13 review: (1) every progress write took a pooled connection and then waited on its
 * enrolment's row lock while holding it, so one student's parallel batches filled the pool and
 * every other user got a 503 after the 5 s connect timeout; (5) activation at sign-in updated a
 * user's invited enrolments in scan order while progress writes lock them in id order, so the two
 * could deadlock. The app runs with a pool of 4 so that a flood fills it deterministically.
 */
describe('progress writes under contention (e2e)', () => {
  const ITEMS = 40;
  const T0 = new Date('2026-12-01T12:00:00Z');
  let t: TestApp;
  let admin: string;
  let owner: string;
  let course: { id: string; items: string[]; markDone: string };
  let other: { id: string; accessToken: string };
  let otherCourse: string;

  async function createCourse(title: string, items: number): Promise<{ id: string; items: string[]; markDone: string }> {
    const as = bearer(owner);
    const material = (
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: `${title} article`, kind: 'article', url: 'https://example.edu/contention' })
    ).body.id;
    const id = (await t.http().post('/api/v1/courses').set(as).send({ title })).body.id as string;
    const moduleId = (await t.http().post(`/api/v1/courses/${id}/modules`).set(as).send({ title: 'Only module' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < items; i++) {
      const res = await t
        .http()
        .post(`/api/v1/modules/${moduleId}/items`)
        .set(as)
        .send({ materialId: material, completion: { type: 'view' }, required: true });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const markDone = (
      await t
        .http()
        .post(`/api/v1/modules/${moduleId}/items`)
        .set(as)
        .send({ materialId: material, completion: { type: 'mark_done' }, required: true })
    ).body.id;
    await t.http().post(`/api/v1/courses/${id}/publish`).set(as).expect(200);
    return { id, items: ids, markDone };
  }

  async function enrol(courseId: string, userId: string): Promise<string> {
    const res = await t.http().post(`/api/v1/courses/${courseId}/enrolments`).set(bearer(owner)).send({ userId });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** Backends of this test's database waiting for a lock (the app's, not the holder's). */
  async function lockWaiters(): Promise<number> {
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0].n;
  }

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** The enrolment's counters beside what its item rows say. */
  async function counters(enrolmentId: string): Promise<{ completed_required: number; done_rows: number; required: number }> {
    const { rows } = await t.db.query(
      `SELECT e.completed_required,
              (SELECT count(*)::int FROM item_progress ip JOIN items i ON i.id = ip.item_id WHERE ip.enrolment_id = e.id AND i.required AND ip.state = 'completed') AS done_rows,
              (SELECT count(*)::int FROM items i JOIN modules m ON m.id = i.module_id WHERE m.course_id = e.course_id AND i.required) AS required
       FROM enrolments e WHERE e.id = $1`,
      [enrolmentId],
    );
    return rows[0];
  }

  /** Another student's ordinary traffic: reads and writes of their own progress, all in parallel. */
  function ordinaryTraffic(): Promise<Array<{ what: string; status: number; detail?: string }>> {
    const as = bearer(other.accessToken);
    const calls: Array<[string, () => PromiseLike<{ status: number; body: { detail?: string } }>]> = [
      ['GET /me/enrolments', () => t.http().get('/api/v1/me/enrolments').set(as)],
      ['GET /me/courses/:id/progress', () => t.http().get(`/api/v1/me/courses/${otherCourse}/progress`).set(as)],
      [
        'POST /progress/events',
        () =>
          t
            .http()
            .post('/api/v1/progress/events')
            .set(as)
            .send({ events: [{ eventId: randomUUID(), itemId: course.items[0], type: 'viewed', occurredAt: T0.toISOString() }] }),
      ],
      ['POST /items/:id/complete', () => t.http().post(`/api/v1/items/${course.markDone}/complete`).set(as)],
      ['GET /courses/:id', () => t.http().get(`/api/v1/courses/${course.id}`).set(as)],
      ['GET /me/enrolments again', () => t.http().get('/api/v1/me/enrolments').set(as)],
    ];
    return Promise.all(
      calls.map(async ([what, call]) => {
        const res = await call();
        return { what, status: res.status, detail: res.body?.detail };
      }),
    );
  }

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '4' });
    t.app.get(Clock).set(T0);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = (await createUser(t, admin, { email: 'contention-owner@test.local', role: 'instructor' })).accessToken;
    course = await createCourse('Contention', ITEMS);
    otherCourse = course.id;
    other = await createUser(t, admin, { email: 'bystander@test.local', role: 'student' });
    await enrol(course.id, other.id);
  });
  afterAll(() => t.close());

  it("serves another user's reads and writes while one student's 40 parallel batches wait on a held enrolment lock, and the student's counters stay equal to the item rows", async () => {
    const flooder = await createUser(t, admin, { email: 'flooder@test.local', role: 'student' });
    const enrolmentId = await enrol(course.id, flooder.id);
    // The flooder's write in flight elsewhere (another API process, a slow batch): it holds the row lock.
    const holder: PoolClient = await t.db.connect();
    let flood: Array<{ status: number; headers: Record<string, string>; body: { accepted?: number; detail?: string } }>;
    let traffic: Awaited<ReturnType<typeof ordinaryTraffic>>;
    let waiting: number;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM enrolments WHERE id = $1 FOR NO KEY UPDATE', [enrolmentId]);
      const batches = Promise.all(
        course.items.map((itemId) =>
          t
            .http()
            .post('/api/v1/progress/events')
            .set(bearer(flooder.accessToken))
            .send({ events: [{ eventId: randomUUID(), itemId, type: 'viewed', occurredAt: T0.toISOString() }] })
            .then((res) => res),
        ),
      );
      await until(async () => (await lockWaiters()) >= 1, 'a batch to wait on the lock');
      await new Promise((resolve) => setTimeout(resolve, 300)); // let every batch that will take a connection take one
      waiting = await lockWaiters();
      traffic = await ordinaryTraffic();
      await holder.query('COMMIT');
      flood = await batches;
    } finally {
      holder.release();
    }

    expect(traffic.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([]);
    // One student holds at most one of the pool's 4 connections, however many batches they send.
    expect(waiting).toBe(1);

    // The flooder's batches: written, refused at once past the queue (429), or out of waiting time (503); never anything else.
    const statuses = flood.map((res) => res.status);
    expect(statuses.filter((s) => ![200, 429, 503].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const res of flood.filter((r) => r.status !== 200)) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const accepted = flood.reduce((sum, res) => sum + (res.status === 200 ? (res.body.accepted ?? 0) : 0), 0);
    const row = await counters(enrolmentId);
    expect(row.done_rows).toBe(accepted); // a refused batch wrote nothing
    expect(row.completed_required).toBe(row.done_rows);
  });

  it('keeps serving another user while one student sends 40 parallel batches, and counts every written batch', async () => {
    const flooder = await createUser(t, admin, { email: 'flooder-2@test.local', role: 'student' });
    const enrolmentId = await enrol(course.id, flooder.id);
    const batches = Promise.all(
      course.items.map((itemId, k) =>
        t
          .http()
          .post('/api/v1/progress/events')
          .set(bearer(flooder.accessToken))
          .send({
            events: [
              { eventId: randomUUID(), itemId, type: 'viewed', occurredAt: T0.toISOString() },
              { eventId: randomUUID(), itemId: course.items[(k + 1) % ITEMS], type: 'viewed', occurredAt: T0.toISOString() },
            ],
          })
          .then((res) => res),
      ),
    );
    const traffic = await ordinaryTraffic();
    const flood = await batches;
    expect(traffic.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([]);
    expect(flood.map((r) => r.status).filter((s) => ![200, 429, 503].includes(s))).toEqual([]);
    const written = new Set(flood.flatMap((res, k) => (res.status === 200 ? [course.items[k], course.items[(k + 1) % ITEMS]] : [])));
    const row = await counters(enrolmentId);
    expect(row.done_rows).toBe(written.size);
    expect(row.completed_required).toBe(row.done_rows);
  });

  it('answers 503 problem+json with Retry-After, writing nothing, when the enrolment stays locked past PROGRESS_WRITE_WAIT_MS', async () => {
    const student = await createUser(t, admin, { email: 'stuck@test.local', role: 'student' });
    const enrolmentId = await enrol(course.id, student.id);
    const holder = await t.db.connect();
    let answers: Array<{ status: number; headers: Record<string, string>; body: { detail?: string } }>;
    let traffic: Awaited<ReturnType<typeof ordinaryTraffic>>;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM enrolments WHERE id = $1 FOR NO KEY UPDATE', [enrolmentId]);
      // The first waits on the row lock (lock_timeout), the second for its turn in the process: both give up within the one wait budget.
      const send = (itemId: string) =>
        t
          .http()
          .post('/api/v1/progress/events')
          .set(bearer(student.accessToken))
          .send({ events: [{ eventId: randomUUID(), itemId, type: 'viewed', occurredAt: T0.toISOString() }] })
          .then((res) => res);
      const pending = Promise.all([send(course.items[0]), send(course.items[1])]);
      traffic = await ordinaryTraffic();
      const inTime = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
      await holder.query('COMMIT');
      expect(inTime).not.toBeNull(); // answered while the lock was still held, not only once it went
      answers = inTime ?? (await pending);
    } finally {
      holder.release();
    }
    expect(traffic.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([]);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.detail).toMatch(/nothing was changed/);
    }
    const { rows } = await t.db.query(
      `SELECT (SELECT count(*)::int FROM progress_events WHERE user_id = $1) AS events, (SELECT count(*)::int FROM item_progress WHERE enrolment_id = $2) AS items`,
      [student.id, enrolmentId],
    );
    expect(rows[0]).toEqual({ events: 0, items: 0 });
  });

  it('activates invited enrolments at sign-in without deadlocking with a progress write that holds the lower one and then takes the higher', async () => {
    const student = await createUser(t, admin, { email: 'late-signin@test.local', role: 'student' });
    // The deadlock needs the activation's scan to meet a higher id before a lower one. Scan order
    // follows the heap, not the ids, so enrol in one more course until the scan shows such a pair
    // (each new row leaves the order ascending by chance 1/n!; 8 rows are 1 in 40,320).
    const scanOrder = async (): Promise<string[]> =>
      (await t.db.query(`SELECT id FROM enrolments WHERE user_id = $1 AND status = 'invited'`, [student.id])).rows.map((r) => r.id);
    let inversion = -1;
    for (let n = 0; n < 8 && inversion < 0; n++) {
      await enrol((await createCourse(`Sign-in ${n}`, 1)).id, student.id);
      const order = await scanOrder();
      inversion = order.findIndex((id, i) => i + 1 < order.length && id > order[i + 1]);
    }
    expect(inversion).toBeGreaterThanOrEqual(0);
    const ids = await scanOrder();
    const [high, low] = [ids[inversion], ids[inversion + 1]];

    // The holder does what a progress batch for both enrolments does (locks in id order), with the sign-in in between.
    const holder = await t.db.connect();
    let secondLock: string;
    let signIn: { status: number; body: { detail?: string } };
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM enrolments WHERE id = $1 FOR NO KEY UPDATE', [low]);
      const pending = t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: student.email, password: student.password })
        .then((res) => res);
      await until(async () => (await lockWaiters()) >= 1, 'the sign-in to wait on the lower enrolment');
      secondLock = await holder
        .query('SELECT id FROM enrolments WHERE id = $1 FOR NO KEY UPDATE', [high])
        .then(() => 'locked')
        .catch((error: { code?: string }) => `failed ${error.code}`);
      await holder.query(secondLock === 'locked' ? 'COMMIT' : 'ROLLBACK');
      signIn = await pending;
    } finally {
      holder.release();
    }
    expect(secondLock).toBe('locked');
    expect({ status: signIn.status, detail: signIn.body.detail }).toEqual({ status: 200, detail: undefined });
    const { rows: after } = await t.db.query(`SELECT status FROM enrolments WHERE id = ANY($1::uuid[])`, [ids]);
    expect(after.map((r) => r.status)).toEqual(ids.map(() => 'active'));
    const { rows: audit } = await t.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'enrolment.activated' AND entity_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(audit[0].n).toBe(ids.length);
  });
});
