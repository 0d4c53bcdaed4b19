import { readFileSync } from 'fs';
import type { AddressInfo } from 'net';
import { request as httpRequest } from 'http';
import { join } from 'path';
import { randomUUID } from 'crypto';
import type { TestApp } from './helpers/app';
import { bearer, login, startTestApp } from './helpers/app';
import { demoSeeder } from './helpers/seed';

const MEDIA = join(__dirname, '..', 'assets', 'media');
const CLIP = readFileSync(join(MEDIA, 'accord-demo.webm'));

describe('Media files under /media/ (e2e)', () => {
  let t: TestApp;
  let port: number;

  /** The path exactly as written: supertest (like a browser) would resolve `..` before sending. */
  const raw = (path: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    // A tiny anonymous budget: media must not spend it.
    t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '40' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('serves the whole clip as video/webm with its length, an ETag and Last-Modified', async () => {
    const res = await t
      .http()
      .get('/media/accord-demo.webm')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('video/webm');
    expect(res.headers['content-length']).toBe(String(CLIP.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['last-modified']).toBeDefined();
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(Buffer.compare(res.body as Buffer, CLIP)).toBe(0);
  });

  it('is public: no token, or any token, gets the file (a <video> element sends none)', async () => {
    expect((await t.http().head('/media/accord-demo.webm')).status).toBe(200);
    expect((await t.http().head('/media/accord-demo.webm').set('Authorization', 'Bearer not-a-token')).status).toBe(200);
  });

  it('answers a byte range with 206, the Content-Range and exactly those bytes', async () => {
    const res = await t
      .http()
      .get('/media/accord-demo.webm')
      .set('Range', 'bytes=1000-1999')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 1000-1999/${CLIP.length}`);
    expect(res.headers['content-length']).toBe('1000');
    expect(Buffer.compare(res.body as Buffer, CLIP.subarray(1000, 2000))).toBe(0);

    const tail = await t.http().get('/media/accord-demo.webm').set('Range', 'bytes=-100').buffer(true);
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes ${CLIP.length - 100}-${CLIP.length - 1}/${CLIP.length}`);
  });

  it('answers a range past the end with a 416 problem naming the length', async () => {
    const res = await t
      .http()
      .get('/media/accord-demo.webm')
      .set('Range', `bytes=${CLIP.length + 10}-`);
    expect(res.status).toBe(416);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['content-range']).toBe(`bytes */${CLIP.length}`);
  });

  it('revalidates with the ETag (304)', async () => {
    const first = await t.http().get('/media/accord-demo.en.vtt');
    const again = await t.http().get('/media/accord-demo.en.vtt').set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
  });

  it('serves the captions as text/vtt', async () => {
    const res = await t.http().get('/media/accord-demo.en.vtt');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/vtt/);
    expect(res.text.startsWith('WEBVTT')).toBe(true);
  });

  it('lets the web player load media from its own origin (CSP media-src)', async () => {
    const res = await t.http().get('/api/v1/health/live');
    expect(res.headers['content-security-policy']).toContain("media-src 'self'");
  });

  it('answers an unknown file, the folder itself and dotfiles with a 404 problem', async () => {
    for (const path of ['/media/nope.webm', '/media/', '/media', '/media/.gitkeep', '/media/ACCORD-DEMO.WEBM']) {
      const res = await raw(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('refuses path traversal, encoded or not', async () => {
    for (const path of [
      '/media/../package.json',
      '/media/..%2fpackage.json',
      '/media/%2e%2e/package.json',
      '/media/%2e%2e%2fpackage.json',
      '/media/..%5cpackage.json',
      '/media/%252e%252e%252fpackage.json',
      '/media/./../../package.json',
      '/media/accord-demo.webm/../../package.json',
      '/media//etc/passwd',
      '/media/%2fetc%2fpasswd',
    ]) {
      const res = await raw(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).not.toContain('"name": "accord"');
      expect(res.body).not.toContain('root:');
    }
  });

  it('does not count media requests against the anonymous rate limit', async () => {
    for (let i = 0; i < 60; i += 1) {
      const res = await t.http().get('/media/accord-demo.webm').set('Range', 'bytes=0-99');
      expect(res.status).toBe(206);
    }
  });

  describe('the seeded demo course', () => {
    let course: string;
    let student: string;
    const demo = { url: 'https://accord.test/media/accord-demo.webm', captionsUrl: 'https://accord.test/media/accord-demo.en.vtt' };

    beforeAll(async () => {
      await demoSeeder(t).run();
      course = (await t.db.query(`SELECT id FROM courses WHERE slug = 'negotiating-peace'`)).rows[0].id;
      student = (await login(t, 'student@accord.local', 'accord-student-demo')).accessToken;
    });

    it('starts with a module whose only item is the demo clip, with captions, served by Accord', async () => {
      const res = await t.http().get(`/api/v1/courses/${course}/modules`).set(bearer(student));
      expect(res.status).toBe(200);
      const [first, second] = res.body.data;
      expect(first).toMatchObject({ title: 'Start here', position: 0, prerequisiteModuleIds: [] });
      expect(first.items).toHaveLength(1);
      expect(first.items[0]).toMatchObject({
        required: true,
        completion: { type: 'watch', minPercent: 90 },
        material: { slug: 'accord-demo-clip', kind: 'video', durationSeconds: 60, ...demo },
      });
      expect(second.prerequisiteModuleIds).toEqual([first.id]);
      // The URLs point at this deployment (PUBLIC_URL) and resolve to the committed files.
      for (const url of [demo.url, demo.captionsUrl]) {
        expect((await t.http().head(new URL(url).pathname)).status).toBe(200);
      }
    });

    it("shows the clip with its url, kind, duration and captions in the student's course view", async () => {
      const view = (await t.http().get(`/api/v1/me/courses/${course}/progress`).set(bearer(student))).body;
      expect(view.modules[0]).toMatchObject({ title: 'Start here', state: 'available' });
      expect(view.modules[0].items[0].material).toEqual({
        id: expect.any(String),
        title: 'Getting started: how Accord tracks what you watch',
        kind: 'video',
        durationSeconds: 60,
        ...demo,
      });
      expect(view.modules[1].state).toBe('locked');
      // Every item of the view names its material, the PON links included.
      expect(view.modules[1].items[0].material.url).toMatch(/^https:\/\/www\.pon\.harvard\.edu\//);
      expect(view.modules[1].items[0].material.captionsUrl).toBeNull();
    });

    it('completes "Start here" and unlocks the next module when 95% of the clip is watched', async () => {
      const view = async () => (await t.http().get(`/api/v1/me/courses/${course}/progress`).set(bearer(student))).body;
      const clip = (await view()).modules[0].items[0].id;
      const occurredAt = new Date(Date.now() - 60_000).toISOString();
      // Scrubbing to the end is not watching: a bare percent does not complete it.
      const scrub = await t
        .http()
        .post('/api/v1/progress/events')
        .set(bearer(student))
        .send({ events: [{ eventId: randomUUID(), itemId: clip, type: 'progressed', percent: 100, positionSeconds: 60, occurredAt }] });
      expect(scrub.body).toMatchObject({ accepted: 1, rejected: [] });
      expect((await view()).modules[0].state).toBe('in_progress');

      const res = await t
        .http()
        .post('/api/v1/progress/events')
        .set(bearer(student))
        .send({
          events: [
            { eventId: randomUUID(), itemId: clip, type: 'progressed', positionSeconds: 30, watchedSegments: [[0, 30]], occurredAt },
            { eventId: randomUUID(), itemId: clip, type: 'progressed', positionSeconds: 57, watchedSegments: [[30, 57]], occurredAt },
          ],
        });
      expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
      const after = await view();
      expect(after.modules[0]).toMatchObject({ state: 'completed', percent: 100 });
      expect(after.modules[0].items[0]).toMatchObject({ state: 'completed', coveredPercent: 95, evidenced: true });
      expect(after.modules[1].state).toBe('available');
    });
  });
});
