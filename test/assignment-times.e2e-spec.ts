import { randomUUID } from 'crypto';
import { Clock } from '../src/common/clock';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

/** Issue 19 item 5: date-times carry an offset; due dates that lose reminders or repeat a module say so. */
describe('times and warnings (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let owner: User;
  let sam: User;
  let course: string;
  let m1: string;
  let m2: string;
  let item: string;
  let samEnrolment: string;
  let anaEnrolment: string;
  const T0 = new Date('2026-12-01T12:00:00Z');
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
  const http = () => t.http();
  const as = (token: string) => bearer(token);
  const offsetMessage = (field: string) => `${field} must be a date and time with a time zone offset, e.g. 2026-12-20T17:00:00Z`;

  const expectOffsetRefused = (res: { status: number; headers: Record<string, string>; body: { errors?: unknown[] } }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toContainEqual({ field, message: offsetMessage(field.split('.').pop()!) });
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(Clock).set(T0);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'times-owner@test.local', role: 'instructor' });
    sam = await createUser(t, admin, { email: 'times-sam@test.local', role: 'student' });
    const ana = await createUser(t, admin, { email: 'times-ana@test.local', role: 'student' });
    course = (
      await http()
        .post('/api/v1/courses')
        .set(as(owner.accessToken))
        .send({ title: 'Times course', reminderPolicy: { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 } })
    ).body.id;
    const mod = async (title: string) =>
      (await http().post(`/api/v1/courses/${course}/modules`).set(as(owner.accessToken)).send({ title })).body.id as string;
    m1 = await mod('One');
    m2 = await mod('Two');
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(as(admin))
        .send({ title: `article ${randomUUID()}`, kind: 'article', url: 'https://example.edu/x' })
    ).body.id;
    item = (
      await http()
        .post(`/api/v1/modules/${m1}/items`)
        .set(as(owner.accessToken))
        .send({ materialId: material, completion: { type: 'view' } })
    ).body.id;
    await http().post(`/api/v1/courses/${course}/publish`).set(as(owner.accessToken)).expect(200);
    const enrol = async (userId: string) =>
      (await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId }).expect(201)).body.id as string;
    samEnrolment = await enrol(sam.id);
    anaEnrolment = await enrol(ana.id);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('a date-time without an offset is refused, naming the field', () => {
    it.each([
      '2026-12-20T17:00',
      '2026-12-20T17:00:00',
      '2026-12-20T17:00:00.000',
      '2026-12-20',
      '2026-02-30T17:00:00Z',
      '2026-12-20T17:00:00+0100',
    ])('assignment dueAt %s → 400', async (dueAt) => {
      const res = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m2, dueAt, target: { type: 'course' } });
      expectOffsetRefused(res, 'dueAt');
    });

    it('accepts Z, +HH:MM and -HH:MM offsets, with or without seconds', async () => {
      for (const dueAt of ['2026-12-20T17:00Z', '2026-12-20T18:00:00+01:00', '2026-12-20T12:00:00.5-05:00']) {
        const res = await http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(as(owner.accessToken))
          .send({ moduleId: m2, dueAt, target: { type: 'enrolments', enrolmentIds: [anaEnrolment] } });
        expect(res.status).toBe(201);
        expect(new Date(res.body.dueAt).getTime()).toBe(new Date(dueAt).getTime());
        await http().delete(`/api/v1/assignments/${res.body.id}`).set(as(owner.accessToken)).expect(204);
      }
    });

    it('reschedule and override dueAt, module unlockAt and progress occurredAt too', async () => {
      const created = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m2, dueAt: at(60 * 48), target: { type: 'enrolments', enrolmentIds: [samEnrolment] } })
        .expect(201);
      expectOffsetRefused(
        await http().patch(`/api/v1/assignments/${created.body.id}`).set(as(owner.accessToken)).send({ dueAt: '2026-12-20T17:00' }),
        'dueAt',
      );
      expectOffsetRefused(
        await http()
          .put(`/api/v1/assignments/${created.body.id}/overrides/${samEnrolment}`)
          .set(as(owner.accessToken))
          .send({ dueAt: '2026-12-20T17:00:00' }),
        'dueAt',
      );
      expectOffsetRefused(
        await http()
          .post(`/api/v1/courses/${course}/modules`)
          .set(as(owner.accessToken))
          .send({ title: 'Late', unlockAt: '2026-12-20T17:00' }),
        'unlockAt',
      );
      expectOffsetRefused(
        await http().patch(`/api/v1/modules/${m2}`).set(as(owner.accessToken)).send({ unlockAt: '2026-12-20T17:00:00' }),
        'unlockAt',
      );
      const batch = await http()
        .post('/api/v1/progress/events')
        .set(as(sam.accessToken))
        .send({ events: [{ eventId: randomUUID(), itemId: item, type: 'viewed', occurredAt: '2026-12-01T11:00:00' }] });
      await http().delete(`/api/v1/assignments/${created.body.id}`).set(as(owner.accessToken)).expect(204);
      // Progress batches reject a bad event alone (the rest of the batch is kept), naming the field.
      expect(batch.status).toBe(200);
      expect(batch.body).toMatchObject({ accepted: 0, rejected: [{ error: 'invalid event: occurredAt' }] });
    });
  });

  describe('warnings', () => {
    it('a due date far enough ahead has no warnings', async () => {
      const res = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(60 * 48), target: { type: 'enrolments', enrolmentIds: [samEnrolment] } })
        .expect(201);
      expect(res.body.warnings).toEqual([]);
      await http().delete(`/api/v1/assignments/${res.body.id}`).set(as(owner.accessToken)).expect(204);
    });

    it('a due date in the past is accepted and says which reminders will not be sent', async () => {
      const res = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(-120), target: { type: 'enrolments', enrolmentIds: [samEnrolment] } });
      expect(res.status).toBe(201);
      expect(res.body.warnings).toEqual([
        'The due date is in the past: no due-soon reminder will be sent',
        `The due date is in the past: no overdue reminder will be sent (it was due at ${at(-60)})`,
      ]);
      const { rows } = await t.db.query("SELECT kind FROM reminders WHERE assignment_id = $1 AND status <> 'cancelled' ORDER BY kind", [
        res.body.id,
      ]);
      expect(rows.map((r) => r.kind)).toEqual(['assignment']); // what the warnings say is what the scheduler did

      // Within the overdue delay: that reminder still goes out, at its time.
      const moved = await http()
        .patch(`/api/v1/assignments/${res.body.id}`)
        .set(as(owner.accessToken))
        .send({ dueAt: at(-30) });
      expect(moved.status).toBe(200);
      expect(moved.body.warnings).toEqual([
        'The due date is in the past: no due-soon reminder will be sent',
        `The due date is in the past: the overdue reminder goes out at ${at(30)}`,
      ]);
      const overdue = await t.db.query(
        "SELECT scheduled_for FROM reminders WHERE assignment_id = $1 AND kind = 'overdue' AND status = 'scheduled'",
        [res.body.id],
      );
      expect(overdue.rows.map((r) => new Date(r.scheduled_for).toISOString())).toEqual([at(30)]);

      // Closer than the due-soon lead: only the due-soon reminder is lost.
      const override = await http()
        .put(`/api/v1/assignments/${res.body.id}/overrides/${samEnrolment}`)
        .set(as(owner.accessToken))
        .send({ dueAt: at(60) });
      expect(override.status).toBe(200);
      expect(override.body.warnings).toEqual([
        "The due date is less than 1 day away (the course's due-soon lead): no due-soon reminder will be sent",
      ]);
      await http().delete(`/api/v1/assignments/${res.body.id}`).set(as(owner.accessToken)).expect(204);
    });

    it('assigning a module already assigned to some of the students says how many and when', async () => {
      const first = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(60 * 48), target: { type: 'enrolments', enrolmentIds: [samEnrolment] } })
        .expect(201);
      expect(first.body.warnings).toEqual([]);
      const other = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m2, dueAt: at(60 * 48), target: { type: 'course' } })
        .expect(201);
      expect(other.body.warnings).toEqual([]); // another module: no overlap
      const again = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(60 * 72), target: { type: 'course' } });
      expect(again.status).toBe(201);
      expect(again.body.warnings).toEqual([
        `1 student already has this module assigned (due ${at(60 * 48)}); they now have it assigned twice`,
      ]);
      // A cancelled assignment no longer counts; two active ones do, with both dates.
      await http().delete(`/api/v1/assignments/${first.body.id}`).set(as(owner.accessToken)).expect(204);
      const third = await http()
        .post(`/api/v1/courses/${course}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: m1, dueAt: at(60 * 96), target: { type: 'enrolments', enrolmentIds: [samEnrolment, anaEnrolment] } })
        .expect(201);
      expect(third.body.warnings).toEqual([
        `2 students already have this module assigned (due ${at(60 * 72)}); they now have it assigned twice`,
      ]);
      // The list does not carry warnings.
      const list = await http().get(`/api/v1/courses/${course}/assignments`).set(as(owner.accessToken)).expect(200);
      expect(list.body.data.every((a: object) => !('warnings' in a))).toBe(true);
    });
  });
});
