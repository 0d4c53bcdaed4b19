import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { Clock } from '../src/common/clock';
import { parseCsv } from '../src/modules/enrolments/csv';
import { QueueName } from '../src/modules/jobs/queues';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

describe('assignments and progress (e2e)', () => {
  let t: TestApp;
  let clock: Clock;
  let admin: string;
  let owner: User;
  let other: User;
  let sam: User;
  let ana: User;
  let course: string;
  let m1: string;
  let m2: string;
  let m3: string;
  let article: string; // view, required (M1)
  let video: string; // watch 90, required (M1), 100 s
  let exercise: string; // mark_done (M2)
  let late: string; // view (M3, unlocks later)
  let samEnrolment: string;
  let anaEnrolment: string;
  const T0 = new Date('2026-12-01T12:00:00Z');

  const http = () => t.http();
  const as = (token: string) => bearer(token);
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
  const event = (itemId: string, extra: object = {}) => ({
    eventId: randomUUID(),
    itemId,
    type: 'progressed',
    occurredAt: at(-60),
    ...extra,
  });
  const post = (token: string, events: object[]) => http().post('/api/v1/progress/events').set(as(token)).send({ events });
  const view = async (token: string, courseId = course) =>
    (await http().get(`/api/v1/me/courses/${courseId}/progress`).set(as(token))).body;

  beforeAll(async () => {
    t = await startTestApp();
    clock = t.app.get(Clock);
    clock.set(T0);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'owner@test.local', role: 'instructor' });
    other = await createUser(t, admin, { email: 'other@test.local', role: 'instructor' });
    sam = await createUser(t, admin, { email: 'sam@test.local', role: 'student', name: 'Sam Adams' });
    ana = await createUser(t, admin, { email: 'ana@test.local', role: 'student', name: 'Ana Zapata' });
    const material = async (kind: string, extra: object = {}) =>
      (
        await http()
          .post('/api/v1/materials')
          .set(as(admin))
          .send({ title: `${kind} ${randomUUID()}`, kind, url: 'https://example.edu/x', ...extra })
      ).body.id;
    const [a, v, n] = [await material('article'), await material('video', { durationSeconds: 100 }), await material('teaching_note')];
    course = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Progress course' })).body.id;
    const mod = async (title: string, extra: object = {}) =>
      (
        await http()
          .post(`/api/v1/courses/${course}/modules`)
          .set(as(owner.accessToken))
          .send({ title, ...extra })
      ).body.id;
    m1 = await mod('One');
    m2 = await mod('Two', { prerequisiteModuleIds: [m1] });
    m3 = await mod('Three', { unlockAt: at(60 * 24) });
    const item = async (moduleId: string, materialId: string, completion: object, required = true) =>
      (await http().post(`/api/v1/modules/${moduleId}/items`).set(as(owner.accessToken)).send({ materialId, completion, required })).body
        .id;
    article = await item(m1, a, { type: 'view' });
    video = await item(m1, v, { type: 'watch', minPercent: 90 });
    exercise = await item(m2, n, { type: 'mark_done' });
    late = await item(m3, a, { type: 'view' });
    await http().post(`/api/v1/courses/${course}/publish`).set(as(owner.accessToken)).expect(200);
    samEnrolment = (await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: sam.id })).body.id;
    anaEnrolment = (await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: ana.id })).body.id;
  });
  afterAll(() => t.close());

  describe('ingestion', () => {
    it('counts a resent event once, and concurrent identical batches once', async () => {
      const e = event(article, { type: 'viewed' });
      expect((await post(sam.accessToken, [e])).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      expect((await post(sam.accessToken, [e])).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
      const batch = Array.from({ length: 20 }, () => event(video, { percent: 5, positionSeconds: 5 }));
      const [a, b] = await Promise.all([post(sam.accessToken, batch), post(sam.accessToken, batch)]);
      expect(a.body.accepted + b.body.accepted).toBe(20);
      expect(a.body.duplicates + b.body.duplicates).toBe(20);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM progress_events WHERE enrolment_id = $1', [samEnrolment]);
      expect(rows[0].n).toBe(21);
      const dupInBatch = event(article);
      expect((await post(sam.accessToken, [dupInBatch, dupInBatch])).body).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    });

    it('activates an invited enrolment on first progress and keeps lastActivityAt', async () => {
      const { rows } = await t.db.query('SELECT status, last_activity_at FROM enrolments WHERE id = $1', [samEnrolment]);
      expect(rows[0].status).toBe('active');
      expect(new Date(rows[0].last_activity_at).toISOString()).toBe(T0.toISOString());
    });

    it('rejects each bad event with its reason and accepts the rest', async () => {
      const outsider = await createUser(t, admin, { email: 'outsider@test.local', role: 'student' });
      const events = [
        { ...event('00000000-0000-4000-8000-000000000000'), eventId: 'a0000000-0000-4000-8000-000000000001' },
        { ...event(article, { percent: 120 }), eventId: 'a0000000-0000-4000-8000-000000000002' },
        { ...event(article, { occurredAt: at(60) }), eventId: 'a0000000-0000-4000-8000-000000000003' },
        { ...event(exercise), eventId: 'a0000000-0000-4000-8000-000000000004' },
        { ...event(late), eventId: 'a0000000-0000-4000-8000-000000000005' },
        { ...event(article, { type: 'skipped' }), eventId: 'a0000000-0000-4000-8000-000000000006' },
        { ...event(video, { watchedSegments: [[50, 10]] }), eventId: 'a0000000-0000-4000-8000-000000000007' },
        event(article, { occurredAt: at(1) }),
      ];
      const res = await post(sam.accessToken, events);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(1);
      expect(res.body.rejected).toEqual([
        { eventId: 'a0000000-0000-4000-8000-000000000002', error: 'percent outside 0–100' },
        { eventId: 'a0000000-0000-4000-8000-000000000003', error: 'occurredAt is in the future' },
        { eventId: 'a0000000-0000-4000-8000-000000000006', error: 'invalid event: type' },
        { eventId: 'a0000000-0000-4000-8000-000000000007', error: 'each watched segment needs 0 ≤ fromSeconds ≤ toSeconds ≤ 864000' },
        { eventId: 'a0000000-0000-4000-8000-000000000001', error: 'unknown item' },
        { eventId: 'a0000000-0000-4000-8000-000000000004', error: 'module locked' },
        { eventId: 'a0000000-0000-4000-8000-000000000005', error: 'module locked' },
      ]);
      const notEnrolled = await post(outsider.accessToken, [event(article)]);
      expect(notEnrolled.body.rejected).toEqual([{ eventId: expect.any(String), error: 'not enrolled' }]);
    });

    it('answers 413 beyond 500 events and 400 for a malformed batch', async () => {
      const res = await post(
        sam.accessToken,
        Array.from({ length: 501 }, () => event(article)),
      );
      expect(res.status).toBe(413);
      expect(res.body.detail).toContain('500');
      expect((await http().post('/api/v1/progress/events').set(as(sam.accessToken)).send({ events: 'nope' })).status).toBe(400);
      expect((await http().post('/api/v1/progress/events').set(as(sam.accessToken)).send({ events: [], extra: 1 })).status).toBe(400);
    });

    it('does not count scrubbing to the end of a video as watching it', async () => {
      const scrub = event(video, {
        percent: 100,
        positionSeconds: 99,
        watchedSegments: [
          [0, 5],
          [95, 100],
        ],
        type: 'completed',
      });
      await post(ana.accessToken, [scrub]);
      let item = (await view(ana.accessToken)).modules[0].items[1];
      expect(item).toMatchObject({ state: 'in_progress', percent: 10 });
      // Overlapping segments that together cover 90 % complete it.
      await post(ana.accessToken, [
        event(video, {
          watchedSegments: [
            [0, 50],
            [40, 70],
          ],
          occurredAt: at(1),
        }),
        event(video, { watchedSegments: [[65, 85]], occurredAt: at(2) }),
      ]);
      item = (await view(ana.accessToken)).modules[0].items[1];
      expect(item).toMatchObject({ state: 'completed', percent: 90 });
    });

    it('is out-of-order safe: percent only grows, the resume position is the latest, a late event never un-completes', async () => {
      await post(sam.accessToken, [event(video, { percent: 40, positionSeconds: 40, occurredAt: at(-50) })]);
      await post(sam.accessToken, [event(video, { percent: 20, positionSeconds: 20, occurredAt: at(-55) })]);
      let item = (await view(sam.accessToken)).modules[0].items[1];
      expect(item).toMatchObject({ percent: 40, positionSeconds: 40, state: 'in_progress' });
      await post(sam.accessToken, [event(video, { percent: 95, positionSeconds: 95, occurredAt: at(-40), watchedSegments: [[0, 95]] })]);
      await post(sam.accessToken, [event(video, { percent: 10, positionSeconds: 10, occurredAt: at(-45) })]);
      item = (await view(sam.accessToken)).modules[0].items[1];
      expect(item).toMatchObject({ percent: 95, positionSeconds: 95, state: 'completed', evidenced: true, coveredPercent: 95 });
    });

    it('does not let a bare percent complete a watch rule: it moves the display only; segments covering 90 % complete it', async () => {
      const walt = await createUser(t, admin, { email: 'walt@test.local', role: 'student', name: 'Walt Ruled' });
      const course2 = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Evidence course' })).body.id;
      const mod = (await http().post(`/api/v1/courses/${course2}/modules`).set(as(owner.accessToken)).send({ title: 'Only' })).body.id;
      const v = (
        await http()
          .post('/api/v1/materials')
          .set(as(admin))
          .send({ title: `video ${randomUUID()}`, kind: 'video', url: 'https://example.edu/x', durationSeconds: 100 })
      ).body.id;
      const clip = (
        await http()
          .post(`/api/v1/modules/${mod}/items`)
          .set(as(owner.accessToken))
          .send({ materialId: v, completion: { type: 'watch', minPercent: 90 }, required: true })
      ).body.id;
      await http().post(`/api/v1/courses/${course2}/publish`).set(as(owner.accessToken)).expect(200);
      const enrolment = (await http().post(`/api/v1/courses/${course2}/enrolments`).set(as(owner.accessToken)).send({ userId: walt.id }))
        .body.id;

      expect((await post(walt.accessToken, [event(clip, { type: 'completed', percent: 100, positionSeconds: 100 })])).body.accepted).toBe(
        1,
      );
      let progress = await view(walt.accessToken, course2);
      expect(progress.modules[0].items[0]).toMatchObject({
        state: 'in_progress',
        percent: 100,
        positionSeconds: 100,
        evidenced: false,
        coveredPercent: 0,
      });
      expect(progress.modules[0].state).toBe('in_progress');
      expect(progress).toMatchObject({ percent: 0, completedItems: 0 });
      const enrolmentRow = async () =>
        (await t.db.query('SELECT status, completed_required FROM enrolments WHERE id = $1', [enrolment])).rows[0];
      expect(await enrolmentRow()).toMatchObject({ status: 'active', completed_required: 0 });
      expect((await t.db.query('SELECT count(*)::int AS n FROM module_completions WHERE enrolment_id = $1', [enrolment])).rows[0].n).toBe(
        0,
      );

      // 89 % of real segments is not enough; 90 % is.
      await post(walt.accessToken, [event(clip, { watchedSegments: [[0, 89]], occurredAt: at(-59) })]);
      expect((await view(walt.accessToken, course2)).modules[0].items[0]).toMatchObject({
        state: 'in_progress',
        coveredPercent: 89,
        evidenced: false,
      });
      await post(walt.accessToken, [event(clip, { watchedSegments: [[89, 90]], occurredAt: at(-58) })]);
      progress = await view(walt.accessToken, course2);
      expect(progress.modules[0].items[0]).toMatchObject({ state: 'completed', percent: 100, coveredPercent: 90, evidenced: true });
      expect(progress.modules[0].state).toBe('completed');
      expect(progress).toMatchObject({ percent: 100, completedItems: 1 });
      expect(await enrolmentRow()).toMatchObject({ status: 'completed', completed_required: 1 });
      const report = await http().get(`/api/v1/courses/${course2}/progress`).set(as(owner.accessToken));
      expect(report.body.data).toEqual([expect.objectContaining({ state: 'completed', selfReportedCompletions: 0 })]);
    });

    it('resumes at the last position sent: the order within a batch breaks occurredAt ties, then the later batch', async () => {
      const position = async () => (await view(ana.accessToken)).modules[0].items[1].positionSeconds;
      await post(
        ana.accessToken,
        [0, 900, 1800].map((p) => event(video, { positionSeconds: p, occurredAt: at(-30) })),
      );
      expect(await position()).toBe(1800);
      await post(
        ana.accessToken,
        [1800, 0].map((p) => event(video, { positionSeconds: p, occurredAt: at(-20) })),
      );
      expect(await position()).toBe(0);
      await post(ana.accessToken, [event(video, { positionSeconds: 600, occurredAt: at(-20) })]);
      expect(await position()).toBe(600);
      await post(ana.accessToken, [event(video, { positionSeconds: 300, occurredAt: at(-25) })]); // older: ignored
      expect(await position()).toBe(600);
    });

    it('unlocks a module when its prerequisite is completed and a mark_done item by POST /items/:id/complete', async () => {
      const progress = await view(sam.accessToken);
      expect(progress.modules.map((m: { state: string }) => m.state)).toEqual(['completed', 'available', 'locked']);
      expect((await http().post(`/api/v1/items/${article}/complete`).set(as(sam.accessToken))).status).toBe(400);
      const done = await http().post(`/api/v1/items/${exercise}/complete`).set(as(sam.accessToken));
      expect(done.status).toBe(200);
      expect((await http().post(`/api/v1/items/${exercise}/complete`).set(as(sam.accessToken))).status).toBe(200);
      expect((await view(sam.accessToken)).modules[1].state).toBe('completed');
      expect((await http().post(`/api/v1/items/${exercise}/complete`).set(as(ana.accessToken))).status).toBe(409); // Ana's M1 is not done
    });

    it('unlocks at unlockAt, and completes the enrolment when every module is', async () => {
      expect((await post(sam.accessToken, [event(late)])).body.rejected[0].error).toBe('module locked');
      clock.set(new Date(T0.getTime() + 25 * 3600_000));
      try {
        expect(
          (await post(sam.accessToken, [event(late, { occurredAt: new Date(T0.getTime() + 25 * 3600_000).toISOString() })])).body.accepted,
        ).toBe(1);
      } finally {
        clock.set(T0);
      }
      const progress = await view(sam.accessToken);
      expect(progress).toMatchObject({ percent: 100, completedItems: 4, requiredItems: 4 });
      const { rows } = await t.db.query('SELECT status, completed_at, progress_percent FROM enrolments WHERE id = $1', [samEnrolment]);
      expect(rows[0]).toMatchObject({ status: 'completed', progress_percent: 100 });
      const mine = await http().get('/api/v1/me/enrolments').set(as(sam.accessToken));
      expect(mine.body.data).toEqual([expect.objectContaining({ courseId: course, status: 'completed', progressPercent: 100 })]);
      expect(rows[0].completed_at).not.toBeNull();
    });
  });

  describe('assignments', () => {
    let cohort: string;
    let assignment: string;

    it('assigns to a cohort; an override beats the cohort due date for one student', async () => {
      cohort = (await http().post(`/api/v1/courses/${course}/cohorts`).set(as(owner.accessToken)).send({ name: 'Evening' })).body.id;
      await http().patch(`/api/v1/enrolments/${anaEnrolment}`).set(as(owner.accessToken)).send({ cohortId: cohort }).expect(200);
      const res = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m2, dueAt: at(60 * 48), target: { type: 'cohort', cohortId: cohort } });
      expect(res.status).toBe(201);
      assignment = res.body.id;
      const mine = await http().get('/api/v1/me/assignments').set(as(ana.accessToken));
      expect(mine.body.data).toEqual([
        expect.objectContaining({ assignmentId: assignment, dueAt: at(60 * 48), status: 'upcoming', moduleTitle: 'Two' }),
      ]);
      expect((await http().get('/api/v1/me/assignments').set(as(sam.accessToken))).body.data).toEqual([]); // Sam is not in the cohort
      await http()
        .put(`/api/v1/assignments/${assignment}/overrides/${anaEnrolment}`)
        .set(as(owner.accessToken))
        .send({ dueAt: at(60 * 72) })
        .expect(200);
      expect((await http().get('/api/v1/me/assignments').set(as(ana.accessToken))).body.data[0].dueAt).toBe(at(60 * 72));
      expect((await view(ana.accessToken)).modules[1].dueAt).toBe(at(60 * 72));
      const { rows } = await t.db.query(
        "SELECT id, kind, scheduled_for, status FROM reminders WHERE assignment_id = $1 AND enrolment_id = $2 AND status IN ('scheduled', 'queued') ORDER BY kind",
        [assignment, anaEnrolment],
      );
      // The notice is due at once, so the request queued its job itself; the rest wait for their time.
      expect(rows.map((r) => [r.kind, new Date(r.scheduled_for).toISOString(), r.status])).toEqual([
        ['assignment', T0.toISOString(), 'queued'],
        ['due_soon', at(60 * 72 - 1440), 'scheduled'],
        ['overdue', at(60 * 72 + 60), 'scheduled'],
      ]);
      const job = await t.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false }).getJob(`reminder-${rows[0].id}`);
      expect(job?.data.reminderId).toBe(rows[0].id);
    });

    it('gives a student who joins the cohort later the assignment and its pending reminders', async () => {
      const newcomer = await createUser(t, admin, { email: 'newcomer@test.local', role: 'student' });
      const e = (await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: newcomer.id })).body
        .id;
      expect((await http().get('/api/v1/me/assignments').set(as(newcomer.accessToken))).body.data).toEqual([]);
      await http().patch(`/api/v1/enrolments/${e}`).set(as(owner.accessToken)).send({ cohortId: cohort }).expect(200);
      expect(
        (await http().get('/api/v1/me/assignments').set(as(newcomer.accessToken))).body.data.map(
          (a: { assignmentId: string }) => a.assignmentId,
        ),
      ).toEqual([assignment]);
      const { rows } = await t.db.query(
        "SELECT kind FROM reminders WHERE assignment_id = $1 AND enrolment_id = $2 AND status = 'scheduled' ORDER BY kind",
        [assignment, e],
      );
      expect(rows.map((r) => r.kind)).toEqual(['assignment', 'due_soon', 'overdue']);
    });

    it('reschedules: pending due reminders are replaced (checked in the database), once per student', async () => {
      await http()
        .patch(`/api/v1/assignments/${assignment}`)
        .set(as(owner.accessToken))
        .send({ dueAt: at(60 * 96) })
        .expect(200);
      const { rows } = await t.db.query(
        "SELECT r.kind, r.status, r.skip_reason, r.scheduled_for, r.enrolment_id FROM reminders r WHERE r.assignment_id = $1 AND r.kind IN ('due_soon', 'overdue') ORDER BY r.enrolment_id, r.kind, r.scheduled_for",
        [assignment],
      );
      const ana = rows.filter((r) => r.enrolment_id === anaEnrolment);
      // Ana has an override, so her due date did not move: her rows stay (revived after the cancel-and-replace).
      expect(ana.filter((r) => r.status === 'scheduled').map((r) => [r.kind, new Date(r.scheduled_for).toISOString()])).toEqual([
        ['due_soon', at(60 * 72 - 1440)],
        ['overdue', at(60 * 72 + 60)],
      ]);
      const others = rows.filter((r) => r.enrolment_id !== anaEnrolment);
      expect(others.filter((r) => r.status === 'cancelled').every((r) => r.skip_reason === 'rescheduled')).toBe(true);
      expect(others.filter((r) => r.status === 'scheduled').map((r) => [r.kind, new Date(r.scheduled_for).toISOString()])).toEqual([
        ['due_soon', at(60 * 96 - 1440)],
        ['overdue', at(60 * 96 + 60)],
      ]);
      const keys = await t.db.query('SELECT dedupe_key, count(*)::int AS n FROM reminders GROUP BY dedupe_key HAVING count(*) > 1');
      expect(keys.rows).toEqual([]);
    });

    it('cancels: every pending reminder of the assignment is cancelled and it no longer applies', async () => {
      await http().delete(`/api/v1/assignments/${assignment}`).set(as(owner.accessToken)).expect(204);
      const { rows } = await t.db.query(
        "SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1 AND status IN ('scheduled', 'queued')",
        [assignment],
      );
      expect(rows[0].n).toBe(0);
      expect((await http().get('/api/v1/me/assignments').set(as(ana.accessToken))).body.data).toEqual([]);
      expect(
        (
          await http()
            .patch(`/api/v1/assignments/${assignment}`)
            .set(as(owner.accessToken))
            .send({ dueAt: at(10) })
        ).status,
      ).toBe(404);
    });

    it('lists upcoming, overdue and done with the course target', async () => {
      const a = (
        await http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(as(owner.accessToken))
          .send({ moduleId: m1, dueAt: at(-60), target: { type: 'course' } })
      ).body.id;
      const b = (
        await http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(as(owner.accessToken))
          .send({ moduleId: m3, dueAt: at(60), target: { type: 'enrolments', enrolmentIds: [anaEnrolment] } })
      ).body.id;
      const status = async (token: string, s: string) =>
        (await http().get('/api/v1/me/assignments').query({ status: s }).set(as(token))).body.data.map(
          (x: { assignmentId: string }) => x.assignmentId,
        );
      expect(await status(sam.accessToken, 'done')).toEqual([a]); // Sam completed M1
      expect(await status(ana.accessToken, 'overdue')).toEqual([a]);
      expect(await status(ana.accessToken, 'upcoming')).toEqual([b]);
      const list = await http().get(`/api/v1/courses/${course}/assignments`).set(as(owner.accessToken));
      expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([a, b]);
      const bad = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(60), target: { type: 'cohort' } });
      expect(bad.status).toBe(400);
      const audit = await http().get('/api/v1/admin/audit').query({ entity: 'assignment' }).set(as(admin));
      expect(new Set(audit.body.data.map((x: { action: string }) => x.action))).toEqual(
        new Set(['assignment.created', 'assignment.override_set', 'assignment.rescheduled', 'assignment.cancelled']),
      );
    });
  });

  describe('reports', () => {
    it('lists rows with filters and sorts, and paginates', async () => {
      const get = (q: object) => http().get(`/api/v1/courses/${course}/progress`).query(q).set(as(owner.accessToken));
      const byName = (await get({})).body.data;
      expect(byName.map((r: { user: { name: string } }) => r.user.name)).toEqual(['Ana Zapata', 'newcomer', 'Sam Adams']);
      const sam = byName.find((r: { user: { name: string } }) => r.user.name === 'Sam Adams');
      expect(sam).toMatchObject({ percent: 100, completedItems: 4, state: 'completed', overdueAssignments: 0, selfReportedCompletions: 0 });
      const ana = byName.find((r: { user: { name: string } }) => r.user.name === 'Ana Zapata');
      expect(ana).toMatchObject({ completedItems: 1, state: 'in_progress', overdueAssignments: 1 });
      expect((await get({ sort: '-percent' })).body.data[0].user.name).toBe('Sam Adams');
      expect((await get({ sort: '-overdue' })).body.data[0].overdueAssignments).toBe(1);
      expect((await get({ state: 'completed' })).body.data.map((r: { user: { name: string } }) => r.user.name)).toEqual(['Sam Adams']);
      expect((await get({ state: 'not_started' })).body.data.map((r: { user: { name: string } }) => r.user.name)).toEqual(['newcomer']);
      const cohortId = (await http().get(`/api/v1/courses/${course}/cohorts`).set(as(owner.accessToken))).body.data[0].id;
      expect((await get({ cohortId })).body.data).toHaveLength(2);
      const p1 = await get({ limit: 2, sort: '-lastActivityAt' });
      const p2 = await get({ limit: 2, sort: '-lastActivityAt', cursor: p1.body.nextCursor });
      expect([...p1.body.data, ...p2.body.data].map((r: { enrolmentId: string }) => r.enrolmentId).sort()).toEqual(
        (await get({})).body.data.map((r: { enrolmentId: string }) => r.enrolmentId).sort(),
      );
      expect(p2.body.nextCursor).toBeNull();
    });

    it('streams the same rows as CSV', async () => {
      const res = await http()
        .get(`/api/v1/courses/${course}/progress`)
        .query({ sort: 'name' })
        .set(as(owner.accessToken))
        .set('Accept', 'text/csv');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      const rows = parseCsv(res.text)
        .map((r) => r.fields)
        .filter((f) => f.length > 1);
      expect(rows[0]).toEqual([
        'enrolmentId',
        'userId',
        'name',
        'email',
        'cohortId',
        'cohortName',
        'percent',
        'completedItems',
        'overdueAssignments',
        'selfReportedCompletions',
        'lastActivityAt',
        'state',
        'module 1: One',
        'module 2: Two',
        'module 3: Three',
      ]);
      expect(rows.slice(1).map((r) => r[2])).toEqual(['Ana Zapata', 'newcomer', 'Sam Adams']);
      expect(rows.find((r) => r[2] === 'Sam Adams')!.slice(4, 9)).toEqual(['', '', '100', '4', '0']);
      const cohortId = (await http().get(`/api/v1/courses/${course}/cohorts`).set(as(owner.accessToken))).body.data[0].id;
      expect(rows.find((r) => r[2] === 'Ana Zapata')!.slice(4, 6)).toEqual([cohortId, 'Evening']);
      // One column per module: Sam completed all three; Ana has only the video of module One.
      expect(rows.find((r) => r[2] === 'Sam Adams')!.slice(12)).toEqual(['completed', 'completed', 'completed']);
      expect(rows.find((r) => r[2] === 'Ana Zapata')!.slice(12)).toEqual(['not_completed', 'not_completed', 'not_completed']);
    });

    it('has cohort names and per-module states in JSON, and ?format=csv downloads the CSV whatever Accept says', async () => {
      const url = `/api/v1/courses/${course}/progress`;
      const rows = (await http().get(url).set(as(owner.accessToken))).body.data;
      const ana = rows.find((r: { user: { name: string } }) => r.user.name === 'Ana Zapata');
      expect(ana).toMatchObject({ cohortName: 'Evening', cohortId: expect.any(String) });
      expect(ana.modules.map((m: { number: number; title: string; state: string }) => [m.number, m.title, m.state])).toEqual([
        [1, 'One', 'not_completed'],
        [2, 'Two', 'not_completed'],
        [3, 'Three', 'not_completed'],
      ]);
      expect(rows.find((r: { user: { name: string } }) => r.user.name === 'Sam Adams')).toMatchObject({ cohortId: null, cohortName: null });
      const csv = await http().get(url).query({ format: 'csv', sort: 'name' }).set(as(owner.accessToken)).set('Accept', 'application/json');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.headers['content-disposition']).toContain('attachment');
      const viaAccept = await http().get(url).query({ sort: 'name' }).set(as(owner.accessToken)).set('Accept', 'text/csv');
      expect(csv.text).toBe(viaAccept.text);
      const json = await http().get(url).query({ format: 'json' }).set(as(owner.accessToken)).set('Accept', 'text/csv');
      expect(json.headers['content-type']).toMatch(/json/);
      expect(json.body.data).toHaveLength(3);
      const bad = await http().get(url).query({ format: 'xlsx' }).set(as(owner.accessToken));
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(/problem\+json/);
    });

    it('names module columns from their titles formula-safely', async () => {
      const own = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Formula course' })).body.id;
      await http().post(`/api/v1/courses/${own}/modules`).set(as(owner.accessToken)).send({ title: 'a;=HYPERLINK("x")' }).expect(201);
      const res = await http().get(`/api/v1/courses/${own}/progress`).query({ format: 'csv' }).set(as(owner.accessToken));
      expect(res.text.split('\n')[0].endsWith(',"module 1: a;\'=HYPERLINK(""x"")"')).toBe(true);
    });

    it('shows completions a bare percent made before watch rules needed evidence (kept completed, flagged)', async () => {
      // Such a row, as the EvidencedWatchProgress migration leaves it: completed, coverage below the rule.
      await t.db.query('UPDATE item_progress SET covered_percent = 0 WHERE enrolment_id = $1 AND item_id = $2', [anaEnrolment, video]);
      try {
        const rows = (await http().get(`/api/v1/courses/${course}/progress`).set(as(owner.accessToken))).body.data;
        expect(rows.find((r: { user: { name: string } }) => r.user.name === 'Ana Zapata')).toMatchObject({
          completedItems: 1,
          selfReportedCompletions: 1,
        });
        expect(rows.find((r: { user: { name: string } }) => r.user.name === 'Sam Adams')).toMatchObject({ selfReportedCompletions: 0 });
        expect((await view(ana.accessToken)).modules[0].items[1]).toMatchObject({
          state: 'completed',
          evidenced: false,
          coveredPercent: 0,
        });
        const csv = await http().get(`/api/v1/courses/${course}/progress`).set(as(owner.accessToken)).set('Accept', 'text/csv');
        expect(
          parseCsv(csv.text)
            .map((r) => r.fields)
            .find((f) => f[2] === 'Ana Zapata')![9],
        ).toBe('1');
      } finally {
        await t.db.query('UPDATE item_progress SET covered_percent = 90 WHERE enrolment_id = $1 AND item_id = $2', [anaEnrolment, video]);
      }
    });

    it('summarises per module', async () => {
      const res = await http().get(`/api/v1/courses/${course}/progress/summary`).set(as(owner.accessToken));
      expect(res.body.modules.map((m: { title: string }) => m.title)).toEqual(['One', 'Two', 'Three']);
      // Module One: Sam completed it; Ana (video only) and the newcomer are past the due date.
      expect(res.body.modules[0]).toMatchObject({ enrolled: 3, assigned: 3, completed: 1, overdue: 2 });
      expect(res.body.modules[0].completionRate).toBeCloseTo(0.333, 2);
      expect(res.body.modules[1]).toMatchObject({ assigned: 0, completed: 1, overdue: 0 });
    });
  });

  describe('course view under concurrency', () => {
    it('gives each of many simultaneous callers their own state (reads are batched together)', async () => {
      const [samAlone, anaAlone] = [await view(sam.accessToken), await view(ana.accessToken)];
      expect(samAlone).not.toEqual(anaAlone);
      const tokens = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? ana.accessToken : sam.accessToken));
      const together = await Promise.all(tokens.map((token) => view(token)));
      together.forEach((body, i) => expect(body).toEqual(tokens[i] === ana.accessToken ? anaAlone : samAlone));
      // One caller in the batch who is not enrolled gets 404 without disturbing the others.
      const [outsider, mine] = await Promise.all([
        http().get(`/api/v1/me/courses/${course}/progress`).set(as(other.accessToken)),
        view(sam.accessToken),
      ]);
      expect(outsider.status).toBe(404);
      expect(mine).toEqual(samAlone);
    });
  });

  describe('role matrix', () => {
    it('never lets a student read another student’s progress or the course report', async () => {
      const foreign = (await http().post('/api/v1/courses').set(as(other.accessToken)).send({ title: 'Foreign' })).body.id;
      expect((await http().get(`/api/v1/me/courses/${foreign}/progress`).set(as(sam.accessToken))).status).toBe(404);
      for (const path of [
        `/api/v1/courses/${course}/progress`,
        `/api/v1/courses/${course}/progress/summary`,
        `/api/v1/courses/${course}/assignments`,
      ]) {
        expect((await http().get(path).set(as(sam.accessToken))).status).toBe(403);
        expect((await http().get(path).set(as(other.accessToken))).status).toBe(404);
        expect((await http().get(path)).status).toBe(401);
      }
      const writes: Array<[string, string, object]> = [
        ['post', `/api/v1/courses/${course}/assignments`, { moduleId: m1, dueAt: at(5), target: { type: 'course' } }],
        ['patch', `/api/v1/assignments/00000000-0000-4000-8000-000000000000`, { dueAt: at(5) }],
        ['delete', `/api/v1/assignments/00000000-0000-4000-8000-000000000000`, {}],
        ['put', `/api/v1/assignments/00000000-0000-4000-8000-000000000000/overrides/${samEnrolment}`, { dueAt: at(5) }],
        ['delete', `/api/v1/assignments/00000000-0000-4000-8000-000000000000/overrides/${samEnrolment}`, {}],
      ];
      for (const [method, path, body] of writes) {
        expect([path, (await (http() as any)[method](path).set(as(sam.accessToken)).send(body)).status]).toEqual([path, 403]);
        expect([path, (await (http() as any)[method](path).send(body)).status]).toEqual([path, 401]);
      }
      expect((await http().post(`/api/v1/courses/${course}/assignments`).set(as(other.accessToken)).send(writes[0][2])).status).toBe(404);
      for (const path of ['/api/v1/progress/events', `/api/v1/items/${exercise}/complete`, '/api/v1/me/assignments']) {
        expect((await (path.includes('me/') ? http().get(path) : http().post(path).send({ events: [] }))).status).toBe(401);
      }
    });
  });
});
