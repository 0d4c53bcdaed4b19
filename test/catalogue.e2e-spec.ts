import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';
import { demoSeeder } from './helpers/seed';

describe('materials catalogue (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let instructor: Awaited<ReturnType<typeof createUser>>;
  let student: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    instructor = await createUser(t, admin, { email: 'author@test.local', role: 'instructor' });
    student = await createUser(t, admin, { email: 'reader@test.local', role: 'student' });
    await demoSeeder(t).run();
  });
  afterAll(() => t.close());

  const material = (over: object = {}) => ({
    title: 'Mediation at Camp David',
    kind: 'case_study',
    url: 'https://example.edu/camp-david',
    summary: 'Carter, Begin and Sadat.',
    ...over,
  });

  it('finds the Santos video first when searching "Colombia"', async () => {
    const res = await t.http().get('/api/v1/materials').query({ q: 'Colombia' }).set(bearer(student.accessToken));
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ kind: 'video', title: 'Advice for Peace: Ending Civil War in Colombia' });
  });

  it('ranks title matches above summary-only matches', async () => {
    // "Kosovo" is in one title and in two summaries.
    const res = await t.http().get('/api/v1/materials').query({ q: 'Kosovo' }).set(bearer(student.accessToken));
    expect(res.body.data.length).toBeGreaterThanOrEqual(3);
    expect(res.body.data[0].slug).toBe('martti-ahtisaari-great-negotiator-case');
    const author = await t.http().get('/api/v1/materials').query({ q: 'Mnookin' }).set(bearer(student.accessToken));
    expect(author.body.data.map((m: { slug: string }) => m.slug)).toEqual(expect.arrayContaining(['bargaining-with-the-devil']));
  });

  it('adds a highlight only when q is given: matched words in <mark>, everything else HTML-escaped', async () => {
    const created = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(admin))
      .send(
        material({
          title: '<script>alert(1)</script> Colombia',
          summary: 'Talks in <b>Havana</b> & "Oslo" ended the war in Colombia\ue000 after \ue001 decades.',
          url: 'https://example.edu/xss',
        }),
      );
    expect(created.status).toBe(201);
    const res = await t.http().get('/api/v1/materials').query({ q: 'Colombia', limit: 200 }).set(bearer(student.accessToken));
    const hit = res.body.data.find((m: { id: string }) => m.id === created.body.id);
    expect(hit.title).toBe('<script>alert(1)</script> Colombia');
    expect(hit.highlight).toBe(
      // Summary fragments leave out what the text parser reads as HTML tags (<b>); the marker characters are removed.
      '&lt;script&gt;alert(1)&lt;/script&gt; <mark>Colombia</mark> — Talks in  Havana  &amp; &quot;Oslo&quot; ended the war in <mark>Colombia</mark> after  decades',
    );
    // Every item of the page has one; the only tags in any of them are <mark> and </mark>.
    for (const m of res.body.data as Array<{ highlight: string }>) {
      expect(typeof m.highlight).toBe('string');
      expect(m.highlight.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
    }
    const santos = res.body.data.find((m: { title: string }) => m.title === 'Advice for Peace: Ending Civil War in Colombia');
    expect(santos.highlight).toMatch(/^Advice for Peace: Ending Civil War in <mark>Colombia<\/mark>/);
    // English stemming: "negotiators" marks "Negotiation" too, as written in the text.
    const stem = await t.http().get('/api/v1/materials').query({ q: 'negotiators' }).set(bearer(student.accessToken));
    expect(stem.body.data[0].highlight).toMatch(/<mark>Negotiation<\/mark>/);
    const plain = await t.http().get('/api/v1/materials').set(bearer(student.accessToken));
    expect(plain.body.data.every((m: object) => !('highlight' in m))).toBe(true);
    expect((await t.http().get(`/api/v1/materials/${created.body.id}`).set(bearer(student.accessToken))).body as object).not.toHaveProperty(
      'highlight',
    );
    await t.http().delete(`/api/v1/materials/${created.body.id}`).set(bearer(admin)).expect(204);
  });

  it('filters by tag and kind', async () => {
    const crisis = await t.http().get('/api/v1/materials').query({ tag: 'Crisis Negotiations' }).set(bearer(student.accessToken));
    expect(crisis.body.data.length).toBeGreaterThanOrEqual(2);
    expect(crisis.body.data.every((m: { tags: string[] }) => m.tags.includes('crisis negotiations'))).toBe(true);
    const videos = await t.http().get('/api/v1/materials').query({ kind: 'video' }).set(bearer(student.accessToken));
    expect(videos.body.data.map((m: { slug: string }) => m.slug).sort()).toEqual([
      'accord-demo-clip',
      'advice-for-peace-ending-civil-war-in-colombia',
      'martti-ahtisaari-great-negotiator-video',
    ]);
    const both = await t.http().get('/api/v1/materials').query({ q: 'negotiation', kind: 'book' }).set(bearer(student.accessToken));
    expect(both.body.data.every((m: { kind: string }) => m.kind === 'book')).toBe(true);
  });

  it('normalises tags and derives a unique slug from the title', async () => {
    const a = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(instructor.accessToken))
      .send(material({ tags: [' Mediation ', 'mediation', 'Middle  East'] }));
    expect(a.status).toBe(201);
    expect(a.body.tags).toEqual(['mediation', 'middle east']);
    expect(a.body.slug).toBe('mediation-at-camp-david');
    const b = await t.http().post('/api/v1/materials').set(bearer(admin)).send(material());
    expect(b.body.slug).toBe('mediation-at-camp-david-2');
  });

  it('validates materials: kind, url, duration, unknown fields', async () => {
    const res = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(admin))
      .send({ title: '', kind: 'podcast', url: 'javascript:alert(1)', durationSeconds: -5, popularity: 5 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['title', 'kind', 'url', 'durationSeconds', 'popularity']),
    );
  });

  it('keeps an optional captions URL (http/https only), which PATCH can change or clear with null', async () => {
    const created = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(admin))
      .send(material({ title: 'Captioned talk', kind: 'video', durationSeconds: 600, captionsUrl: 'https://example.edu/talk.en.vtt' }));
    expect(created.status).toBe(201);
    expect(created.body.captionsUrl).toBe('https://example.edu/talk.en.vtt');
    const plain = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(admin))
      .send(material({ title: 'Uncaptioned' }));
    expect(plain.body.captionsUrl).toBeNull();

    for (const bad of ['javascript:alert(1)', 'ftp://example.edu/a.vtt', 'not a url', 42, `https://example.edu/${'a'.repeat(2000)}.vtt`]) {
      const res = await t.http().patch(`/api/v1/materials/${created.body.id}`).set(bearer(admin)).send({ captionsUrl: bad });
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['captionsUrl']);
    }
    const changed = await t
      .http()
      .patch(`/api/v1/materials/${created.body.id}`)
      .set(bearer(admin))
      .send({ captionsUrl: 'http://example.edu/talk.fr.vtt' });
    expect(changed.body.captionsUrl).toBe('http://example.edu/talk.fr.vtt');
    const cleared = await t.http().patch(`/api/v1/materials/${created.body.id}`).set(bearer(admin)).send({ captionsUrl: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.captionsUrl).toBeNull();
    expect((await t.http().get(`/api/v1/materials/${created.body.id}`).set(bearer(student.accessToken))).body.captionsUrl).toBeNull();
  });

  it('refuses writes to students (403) and anyone anonymous (401); everyone signed in may read', async () => {
    const created = await t
      .http()
      .post('/api/v1/materials')
      .set(bearer(admin))
      .send(material({ title: 'Role matrix material' }));
    const id = created.body.id;
    for (const [method, path, body] of [
      ['post', '/api/v1/materials', material()],
      ['patch', `/api/v1/materials/${id}`, { title: 'x' }],
      ['delete', `/api/v1/materials/${id}`, undefined],
    ] as const) {
      expect((await (t.http() as any)[method](path).set(bearer(student.accessToken)).send(body)).status).toBe(403);
      expect((await (t.http() as any)[method](path).send(body)).status).toBe(401);
    }
    expect((await t.http().get('/api/v1/materials').set(bearer(student.accessToken))).status).toBe(200);
    expect((await t.http().get(`/api/v1/materials/${id}`).set(bearer(student.accessToken))).status).toBe(200);
    expect((await t.http().get('/api/v1/materials')).status).toBe(401);
    const patched = await t
      .http()
      .patch(`/api/v1/materials/${id}`)
      .set(bearer(instructor.accessToken))
      .send({ title: 'Renamed', tags: ['A', 'a'] });
    expect(patched.body).toMatchObject({ title: 'Renamed', tags: ['a'] });
    expect((await t.http().delete(`/api/v1/materials/${id}`).set(bearer(instructor.accessToken))).status).toBe(204);
    expect((await t.http().get(`/api/v1/materials/${id}`).set(bearer(admin))).status).toBe(404);
  });

  it('refuses to delete a material a course item uses, naming the course', async () => {
    const { rows } = await t.db.query("SELECT id FROM materials WHERE slug = 'advice-for-peace-ending-civil-war-in-colombia'");
    const res = await t.http().delete(`/api/v1/materials/${rows[0].id}`).set(bearer(admin));
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Negotiating Peace: Lessons from Diplomacy and Crisis');
  });

  it('paginates without skipping or repeating while rows are inserted between pages', async () => {
    const expected = (await t.db.query('SELECT id FROM materials ORDER BY created_at DESC, id DESC')).rows.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const res: any = await t
        .http()
        .get('/api/v1/materials')
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .set(bearer(student.accessToken));
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
      await t
        .http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send(material({ title: `Inserted while paging ${n++}` }));
    } while (cursor);
    expect(seen).toEqual(expected);

    const ranked: string[] = [];
    cursor = null;
    do {
      const res: any = await t
        .http()
        .get('/api/v1/materials')
        .query({ q: 'negotiation', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(student.accessToken));
      ranked.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(ranked).size).toBe(ranked.length);
    const all = await t.http().get('/api/v1/materials').query({ q: 'negotiation', limit: 200 }).set(bearer(student.accessToken));
    expect(ranked).toEqual(all.body.data.map((m: { id: string }) => m.id));
  });

  it('seeds idempotently', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM materials');
    const report = await demoSeeder(t).run();
    expect(report).toMatchObject({ usersCreated: 0, courseCreated: false, enrolmentsCreated: 0 });
    const after = await t.db.query('SELECT count(*)::int AS n FROM materials');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const clip = await t.db.query(`SELECT url, captions_url FROM materials WHERE slug = 'accord-demo-clip'`);
    expect(clip.rows).toEqual([
      { url: 'https://accord.test/media/accord-demo.webm', captions_url: 'https://accord.test/media/accord-demo.en.vtt' },
    ]);
  });
});
