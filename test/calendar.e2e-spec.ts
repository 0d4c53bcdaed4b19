import { createHash, randomUUID } from 'crypto';
import ICAL from 'ical.js';
import { Clock } from '../src/common/clock';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

interface FeedEvent {
  uid: string;
  sequence: number;
  start: string;
  status: string;
  summary: string;
  url: string;
  alarm: string | null;
}

/** Parsed with ical.js, an independent RFC 5545 parser. */
function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  expect(calendar.name).toBe('vcalendar');
  return calendar.getAllSubcomponents('vevent').map((v) => ({
    uid: String(v.getFirstPropertyValue('uid')),
    sequence: Number(v.getFirstPropertyValue('sequence')),
    start: (v.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    status: String(v.getFirstPropertyValue('status')),
    summary: String(v.getFirstPropertyValue('summary')),
    url: String(v.getFirstPropertyValue('url')),
    alarm: v.getFirstSubcomponent('valarm') ? String(v.getFirstSubcomponent('valarm')!.getFirstPropertyValue('trigger')) : null,
  }));
}

/** Issue 18 item 3: the secret iCalendar feed of a user's effective due dates. */
describe('calendar feed (e2e)', () => {
  let t: TestApp;
  let owner: User;
  let sam: User;
  let ana: User;
  let course: string;
  let courseSlug: string;
  let m1: string;
  let a1: string;
  let a2: string;
  const T0 = new Date('2026-12-01T12:00:00Z');
  const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000).toISOString();
  const http = () => t.http();
  const TRICKY = 'Bargaining, with; the \\ Devil: a very long module title that needs folding across lines — ça va';

  const feedPath = async (token: string) =>
    new URL((await http().get('/api/v1/me/calendar').set(bearer(token)).expect(200)).body.url).pathname;
  const fetchFeed = (path: string) =>
    http()
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(Clock).set(T0);
    const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'cal-owner@test.local', role: 'instructor' });
    sam = await createUser(t, admin, { email: 'cal-sam@test.local', role: 'student' });
    ana = await createUser(t, admin, { email: 'cal-ana@test.local', role: 'student' });
    const created = (
      await http()
        .post('/api/v1/courses')
        .set(bearer(owner.accessToken))
        .send({ title: `Calendar ${randomUUID().slice(0, 8)}` })
        .expect(201)
    ).body;
    course = created.id;
    courseSlug = created.slug;
    const mod = async (title: string) =>
      (await http().post(`/api/v1/courses/${course}/modules`).set(bearer(owner.accessToken)).send({ title }).expect(201)).body.id as string;
    m1 = await mod(TRICKY);
    const m2 = await mod('Two');
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: `article ${randomUUID()}`, kind: 'article', url: 'https://example.edu/x' })
        .expect(201)
    ).body.id;
    for (const m of [m1, m2])
      await http()
        .post(`/api/v1/modules/${m}/items`)
        .set(bearer(owner.accessToken))
        .send({ materialId: material, completion: { type: 'view' } })
        .expect(201);
    await http().post(`/api/v1/courses/${course}/publish`).set(bearer(owner.accessToken)).expect(200);
    const cohort = (
      await http().post(`/api/v1/courses/${course}/cohorts`).set(bearer(owner.accessToken)).send({ name: 'Evening' }).expect(201)
    ).body.id;
    const samEnrolment = (
      await http()
        .post(`/api/v1/courses/${course}/enrolments`)
        .set(bearer(owner.accessToken))
        .send({ userId: sam.id, cohortId: cohort })
        .expect(201)
    ).body.id;
    await http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(owner.accessToken)).send({ userId: ana.id }).expect(201);
    const assign = async (moduleId: string, dueAt: string, target: object) =>
      (
        await http()
          .post(`/api/v1/courses/${course}/assignments`)
          .set(bearer(owner.accessToken))
          .send({ moduleId, dueAt, target })
          .expect(201)
      ).body.id as string;
    a1 = await assign(m1, at(48), { type: 'course' });
    a2 = await assign(m2, at(72), { type: 'cohort', cohortId: cohort });
    await http()
      .put(`/api/v1/assignments/${a1}/overrides/${samEnrolment}`)
      .set(bearer(owner.accessToken))
      .send({ dueAt: at(96) })
      .expect(200);
  });

  afterAll(() => t.close());

  it('gives a stable secret URL (and its webcal form) and stores only a hash of the token', async () => {
    const first = await http().get('/api/v1/me/calendar').set(bearer(sam.accessToken)).expect(200);
    const again = await http().get('/api/v1/me/calendar').set(bearer(sam.accessToken)).expect(200);
    expect(again.body).toEqual(first.body);
    expect(first.headers['cache-control']).toContain('no-store');
    const url = new URL(first.body.url);
    expect(url.origin).toBe('https://accord.test');
    expect(url.pathname).toMatch(/^\/api\/v1\/calendar\/[\w-]{22}\.[\w-]{43}\.ics$/);
    expect(first.body.webcalUrl).toBe(first.body.url.replace(/^https:/, 'webcal:'));
    const token = url.pathname
      .split('/')
      .pop()!
      .replace(/\.ics$/, '');
    const { rows } = await t.db.query(`SELECT f.*::text AS row, token_hash FROM calendar_feeds f WHERE user_id = $1`, [sam.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(rows[0].row).not.toContain(token);
  });

  it('lists the student’s effective due dates: override applied, cohort targets respected, text escaped and folded', async () => {
    const res = await fetchFeed(await feedPath(sam.accessToken)).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = res.body as string;
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    const events = parseFeed(text);
    expect(events.map((e) => e.uid).sort()).toEqual([`${a1}-${sam.id}@accord.test`, `${a2}-${sam.id}@accord.test`].sort());
    const one = events.find((e) => e.uid.startsWith(a1))!;
    expect(one.start).toBe(at(96)); // Sam's override, not the course date
    expect(one.summary).toContain(TRICKY);
    expect(one.status).toBe('CONFIRMED');
    expect(one.url).toBe(`https://accord.test/courses/${courseSlug}/modules/${m1}`);
    expect(one.alarm).toBeNull();
    // Ana is not in the cohort: only the course-wide assignment, at the course date.
    const anaEvents = parseFeed((await fetchFeed(await feedPath(ana.accessToken)).expect(200)).body);
    expect(anaEvents.map((e) => [e.uid, e.start])).toEqual([[`${a1}-${ana.id}@accord.test`, at(48)]]);
  });

  it('adds a display alarm on request and refuses a bad one with problem+json', async () => {
    const path = await feedPath(sam.accessToken);
    const events = parseFeed((await fetchFeed(`${path}?alarm=30`).expect(200)).body);
    expect(events.map((e) => e.alarm)).toEqual(['-PT30M', '-PT30M']);
    const bad = await http().get(`${path}?alarm=soon`);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers 304 to a matching If-None-Match, and a new ETag once a due date moves; the UID stays, SEQUENCE and time change', async () => {
    const path = await feedPath(sam.accessToken);
    const before = await fetchFeed(path).expect(200);
    const etag = before.headers.etag;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const unchanged = await http().get(path).set('If-None-Match', etag);
    expect(unchanged.status).toBe(304);
    const old = parseFeed(before.body).find((e) => e.uid.startsWith(a2))!;

    await http()
      .patch(`/api/v1/assignments/${a2}`)
      .set(bearer(owner.accessToken))
      .send({ dueAt: at(120) })
      .expect(200);
    const after = await fetchFeed(path).set('If-None-Match', etag).expect(200);
    expect(after.headers.etag).not.toBe(etag);
    const moved = parseFeed(after.body).find((e) => e.uid.startsWith(a2))!;
    expect(moved.uid).toBe(old.uid);
    expect(moved.start).toBe(at(120));
    expect(moved.sequence).toBeGreaterThan(old.sequence);

    // A new override for Sam moves his event and raises its SEQUENCE too.
    const enrolment = (await t.db.query(`SELECT id FROM enrolments WHERE user_id = $1`, [sam.id])).rows[0].id;
    await http()
      .put(`/api/v1/assignments/${a2}/overrides/${enrolment}`)
      .set(bearer(owner.accessToken))
      .send({ dueAt: at(130) })
      .expect(200);
    const overridden = parseFeed((await fetchFeed(path).expect(200)).body).find((e) => e.uid.startsWith(a2))!;
    expect(overridden.start).toBe(at(130));
    expect(overridden.sequence).toBeGreaterThan(moved.sequence);
  });

  it('keeps a cancelled assignment as STATUS:CANCELLED with a higher SEQUENCE', async () => {
    const path = await feedPath(ana.accessToken);
    const before = parseFeed((await fetchFeed(path).expect(200)).body)[0];
    await http().delete(`/api/v1/assignments/${a1}`).set(bearer(owner.accessToken)).expect(204);
    const after = parseFeed((await fetchFeed(`${path}?alarm=15`).expect(200)).body);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ uid: before.uid, status: 'CANCELLED', alarm: null });
    expect(after[0].sequence).toBeGreaterThan(before.sequence);
  });

  it('gives instructors their courses’ due dates, linking to the assignments page', async () => {
    const events = parseFeed((await fetchFeed(await feedPath(owner.accessToken)).expect(200)).body);
    expect(events.map((e) => [e.uid, e.start, e.status]).sort()).toEqual(
      [
        [`${a1}-${owner.id}@accord.test`, at(48), 'CANCELLED'],
        [`${a2}-${owner.id}@accord.test`, at(120), 'CONFIRMED'],
      ].sort(),
    );
    expect(events[0].url).toBe(`https://accord.test/teach/courses/${course}/assignments`);
  });

  it('rotates: the old URL answers 404 problem+json, the new one works; unknown tokens are 404', async () => {
    const oldPath = await feedPath(sam.accessToken);
    const rotated = await http().post('/api/v1/me/calendar/rotate').set(bearer(sam.accessToken)).expect(200);
    const newPath = new URL(rotated.body.url).pathname;
    expect(newPath).not.toBe(oldPath);
    expect(await feedPath(sam.accessToken)).toBe(newPath);
    const gone = await http().get(oldPath);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    await fetchFeed(newPath).expect(200);
    for (const path of [
      '/api/v1/calendar/nothing.ics',
      `/api/v1/calendar/${'a'.repeat(22)}.${'b'.repeat(43)}.ics`,
      newPath.replace(/\.ics$/, ''),
    ]) {
      const res = await http().get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await http().post('/api/v1/me/calendar/rotate')).status).toBe(401);
  });

  it('throttles one feed polled too often with 429 and Retry-After', async () => {
    const path = await feedPath(ana.accessToken);
    let last = 200;
    let retryAfter: string | undefined;
    for (let i = 0; i < 70 && last === 200; i++) {
      const res = await http().get(path);
      last = res.status;
      retryAfter = res.headers['retry-after'];
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
