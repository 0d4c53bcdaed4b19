import { readFileSync } from 'fs';
import type { AddressInfo } from 'net';
import { request as httpRequest } from 'http';
import { join } from 'path';
import type { TestApp } from './helpers/app';
import { startTestApp } from './helpers/app';

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
    const res = await t.http().get('/media/accord-demo.webm').buffer(true).parse((r, done) => {
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
    const res = await t.http().get('/media/accord-demo.webm').set('Range', `bytes=${CLIP.length + 10}-`);
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
});
