import { randomUUID } from 'crypto';
import { Clock } from '../../src/common/clock';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';

/**
 * Issue 13 item 6: 50 parallel batches, each one `viewed` event on a different item of one
 * student, left the enrolment's counters short of what its item rows said. Each round here is a
 * fresh student enrolled in two courses of 50 required items (5 modules of 10); every request
 * carries one event for each course, in random order, so batches also touch two enrolments at
 * once (a lock order that could deadlock would answer 503). After every round the counters must
 * equal the item rows. Each API process lets one student's writes through one at a time, so the
 * batches alternate between two processes on the same database: the enrolment row locks, not the
 * in-process queue, are what keep the two processes' writers in order.
 */
describe('progress counters under concurrency (e2e)', () => {
  const ROUNDS = 24;
  const ITEMS = 50;
  const MODULES = 5;
  const T0 = new Date('2026-12-01T12:00:00Z');
  let t: TestApp;
  let peer: Awaited<ReturnType<TestApp['startPeer']>>;
  let admin: string;
  let owner: Awaited<ReturnType<typeof createUser>>;
  const courses: Array<{ id: string; items: string[] }> = [];

  beforeAll(async () => {
    // Room for every batch of a round to queue in either process, and for the wait: this test is about the counters, not the queue's limits.
    t = await startTestApp({ DATABASE_POOL_SIZE: '10', PROGRESS_WRITE_QUEUE: String(ITEMS), PROGRESS_WRITE_WAIT_MS: '60000' });
    peer = await t.startPeer();
    peer.app.get(Clock).set(T0);
    t.app.get(Clock).set(T0);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'race-owner@test.local', role: 'instructor' });
    const as = bearer(owner.accessToken);
    const material = (
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: 'Race article', kind: 'article', url: 'https://example.edu/race' })
    ).body.id;
    for (const title of ['Race A', 'Race B']) {
      const course = (await t.http().post('/api/v1/courses').set(as).send({ title })).body.id as string;
      const items: string[] = [];
      for (let m = 0; m < MODULES; m++) {
        const moduleId = (
          await t
            .http()
            .post(`/api/v1/courses/${course}/modules`)
            .set(as)
            .send({ title: `Module ${m}` })
        ).body.id;
        for (let i = 0; i < ITEMS / MODULES; i++) {
          const res = await t
            .http()
            .post(`/api/v1/modules/${moduleId}/items`)
            .set(as)
            .send({ materialId: material, completion: { type: 'view' }, required: true });
          expect(res.status).toBe(201);
          items.push(res.body.id);
        }
      }
      await t.http().post(`/api/v1/courses/${course}/publish`).set(as).expect(200);
      courses.push({ id: course, items });
    }
  });
  afterAll(() => t.close());

  /** What the enrolment's counters say beside what its item rows and module completions say. */
  async function counters(enrolmentId: string) {
    const { rows } = await t.db.query(
      `SELECT e.status, e.completed_at, e.completed_required, e.progress_percent,
              (SELECT count(*)::int FROM item_progress ip JOIN items i ON i.id = ip.item_id
               WHERE ip.enrolment_id = e.id AND i.required AND ip.state = 'completed') AS done_rows,
              (SELECT count(*)::int FROM module_completions mc WHERE mc.enrolment_id = e.id) AS completed_modules,
              (SELECT count(*)::int FROM modules m WHERE m.course_id = e.course_id AND
                 (SELECT count(*) FROM items i WHERE i.module_id = m.id AND i.required) =
                 (SELECT count(*) FROM items i JOIN item_progress ip ON ip.item_id = i.id AND ip.enrolment_id = e.id
                  WHERE i.module_id = m.id AND i.required AND ip.state = 'completed')) AS done_modules
       FROM enrolments e WHERE e.id = $1`,
      [enrolmentId],
    );
    return rows[0];
  }

  it(`keeps completed_required, progress_percent, modules and state equal to the item rows over ${ROUNDS} rounds of 50 parallel batches`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const student = await createUser(t, admin, { email: `racer-${round}@test.local`, role: 'student' });
      const enrolments: string[] = [];
      for (const course of courses) {
        const res = await t
          .http()
          .post(`/api/v1/courses/${course.id}/enrolments`)
          .set(bearer(owner.accessToken))
          .send({ userId: student.id });
        expect(res.status).toBe(201);
        enrolments.push(res.body.id);
      }
      // Odd rounds leave one item of course B unseen: B must end active at 49/50, not completed.
      const skipB = round % 2 === 1 ? 0 : -1;
      const responses = await Promise.all(
        Array.from({ length: ITEMS }, (_, k) => {
          const events = courses
            .map((course, c) =>
              c === 1 && k === skipB
                ? null
                : { eventId: randomUUID(), itemId: course.items[k], type: 'viewed', occurredAt: T0.toISOString() },
            )
            .filter((e) => e !== null);
          if (Math.random() < 0.5) events.reverse();
          const api = k % 2 ? peer.http : t.http;
          return api().post('/api/v1/progress/events').set(bearer(student.accessToken)).send({ events });
        }),
      );
      // Every event accepted: no 503 from a deadlock between batches locking the same enrolments in another order.
      for (const res of responses)
        if (res.status !== 200 || res.body.rejected.length)
          failures.push(`round ${round}: ${res.status} ${res.body.detail ?? JSON.stringify(res.body)}`);

      for (const [c, enrolmentId] of enrolments.entries()) {
        const row = await counters(enrolmentId);
        const expectedDone = c === 1 && skipB >= 0 ? ITEMS - 1 : ITEMS;
        const allDone = row.done_rows === ITEMS;
        const consistent =
          row.done_rows === expectedDone &&
          row.completed_required === row.done_rows &&
          Math.abs(row.progress_percent - (100 * row.done_rows) / ITEMS) < 1e-9 &&
          row.completed_modules === row.done_modules &&
          row.status === (allDone ? 'completed' : 'active') &&
          (row.completed_at !== null) === allDone;
        if (!consistent) failures.push(`round ${round} course ${c}: ${JSON.stringify(row)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
