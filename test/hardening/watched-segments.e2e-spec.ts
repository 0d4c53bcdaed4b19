import { randomUUID } from 'crypto';
import { Clock } from '../../src/common/clock';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';

/**
 * Issue 13 item 7: batches of events carrying many disjoint watched segments grew one item's
 * stored ranges without bound, and every later event on that item paid for all of them. Here the
 * attack is scaled to what the limits let through (5,000 segments a batch), the stored ranges must
 * stay bounded, coverage must never count what was not reported, and the limits answer clearly.
 */
describe('bounded watched segments (e2e)', () => {
  const T0 = new Date('2026-12-01T12:00:00Z');
  const DURATION = 36_000;
  let t: TestApp;
  let student: Awaited<ReturnType<typeof createUser>>;
  let video: string; // the attacked one
  let honest: string;
  let limits: string;
  let enrolment: string;

  const event = (itemId: string, extra: object = {}) => ({
    eventId: randomUUID(),
    itemId,
    type: 'progressed',
    occurredAt: T0.toISOString(),
    ...extra,
  });
  const post = (events: object[]) => t.http().post('/api/v1/progress/events').set(bearer(student.accessToken)).send({ events });
  const stored = async (itemId: string) =>
    (
      await t.db.query(
        `SELECT watched::text AS watched, (SELECT count(*)::int FROM unnest(watched)) AS ranges, pg_column_size(watched) AS bytes, percent
         FROM item_progress WHERE enrolment_id = $1 AND item_id = $2`,
        [enrolment, itemId],
      )
    ).rows[0] as { watched: string; ranges: number; bytes: number; percent: number };

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(Clock).set(T0);
    const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const owner = await createUser(t, admin, { email: 'segments-owner@test.local', role: 'instructor' });
    student = await createUser(t, admin, { email: 'segments-student@test.local', role: 'student' });
    const as = bearer(owner.accessToken);
    const material = async (title: string) =>
      (
        await t
          .http()
          .post('/api/v1/materials')
          .set(bearer(admin))
          .send({ title, kind: 'video', url: 'https://example.edu/v', durationSeconds: DURATION })
      ).body.id;
    const course = (await t.http().post('/api/v1/courses').set(as).send({ title: 'Segments' })).body.id;
    const moduleId = (await t.http().post(`/api/v1/courses/${course}/modules`).set(as).send({ title: 'Videos' })).body.id;
    const item = async (title: string) =>
      (
        await t
          .http()
          .post(`/api/v1/modules/${moduleId}/items`)
          .set(as)
          .send({ materialId: await material(title), completion: { type: 'watch', minPercent: 90 }, required: true })
      ).body.id;
    video = await item('Attacked video');
    honest = await item('Honest video');
    limits = await item('Limits video');
    await t.http().post(`/api/v1/courses/${course}/publish`).set(as).expect(200);
    enrolment = (await t.http().post(`/api/v1/courses/${course}/enrolments`).set(as).send({ userId: student.id })).body.id;
  });
  afterAll(() => t.close());

  it('keeps an item’s stored ranges bounded under batches of disjoint segments, never over-counting coverage', async () => {
    // 3 batches of 25 events × 200 one-second segments with one-second gaps: 15,000 disjoint ranges in all.
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 25 }, (_, e) =>
        event(video, {
          watchedSegments: Array.from({ length: 200 }, (_, s) => {
            const k = batch * 5000 + e * 200 + s;
            return [2 * k, 2 * k + 1];
          }),
        }),
      );
      const res = await post(events);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(25);
    }
    const after = await stored(video);
    expect(after.ranges).toBeLessThanOrEqual(500);
    expect(after.bytes).toBeLessThan(16_384);
    // Every reported second counts at most once: never more than the 15,000 s reported of 36,000.
    expect(after.percent).toBeLessThanOrEqual((100 * 15_000) / DURATION + 1e-9);
    expect(after.percent).toBeGreaterThanOrEqual((100 * 5_000) / DURATION - 1e-9);

    // A later event on the item works on the bounded set (its cost follows the stored size).
    const later = await post([event(video, { watchedSegments: [[31_000, 31_010]] })]);
    expect(later.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const last = await stored(video);
    expect(last.ranges).toBeLessThanOrEqual(500);
    expect(last.watched).toContain('[31000,31010)');
    // The raw events keep at most 200 ranges each.
    const { rows } = await t.db.query(
      `SELECT max((SELECT count(*) FROM unnest(watched)))::int AS most FROM progress_events WHERE enrolment_id = $1`,
      [enrolment],
    );
    expect(rows[0].most).toBeLessThanOrEqual(200);
  });

  it('stores whole seconds and merges overlapping and adjacent segments, so contiguous playback stays one range', async () => {
    await post([
      event(honest, {
        watchedSegments: [
          [0, 10.4],
          [10.4, 20.7],
        ],
      }),
      event(honest, {
        watchedSegments: [
          [20.7, 30.2],
          [25, 28],
          [40.5, 50.49],
        ],
      }),
    ]);
    const row = await stored(honest);
    expect(row.watched).toBe('{[0,30),[41,50)}');
    expect(row.percent).toBeCloseTo((100 * 39) / DURATION, 9);
  });

  it('refuses more than 5,000 segments in a batch with 413, and rejects an event with more than 200 or with out-of-range numbers', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, s) => [3 * s, 3 * s + 1]);
    const tooMany = await post(Array.from({ length: 26 }, () => event(limits, { watchedSegments: many(200) })));
    expect(tooMany.status).toBe(413);
    expect(tooMany.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(tooMany.body.detail).toContain('5,000');
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'events[].watchedSegments' })]);
    // One event with 10,000 segments is over the batch limit on its own.
    expect((await post([event(limits, { watchedSegments: many(10_000) })])).status).toBe(413);

    const ids = Array.from({ length: 5 }, () => randomUUID());
    const res = await post([
      { ...event(limits, { watchedSegments: many(201) }), eventId: ids[0] },
      { ...event(limits, { positionSeconds: 1e12 }), eventId: ids[1] },
      { ...event(limits, { watchedSegments: [[0, 1e300]] }), eventId: ids[2] },
      { ...event(limits, { watchedSegments: [[-5, 10]] }), eventId: ids[3] },
      { ...event(limits, { watchedSegments: many(200), positionSeconds: 599.5 }), eventId: ids[4] },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      { eventId: ids[0], error: expect.stringMatching(/watchedSegments.*200/) },
      { eventId: ids[1], error: expect.stringMatching(/positionSeconds/) },
      { eventId: ids[2], error: expect.stringMatching(/watched segment/) },
      { eventId: ids[3], error: expect.stringMatching(/watched segment/) },
    ]);
    expect(await stored(limits)).toMatchObject({ ranges: 200 });
  });
});
