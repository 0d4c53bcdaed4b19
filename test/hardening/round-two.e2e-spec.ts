import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHash, randomUUID } from 'crypto';
import { MailJob, QueueName } from '../../src/modules/jobs/queues';
import { UnsubscribeTokens } from '../../src/modules/notifications/unsubscribe-tokens';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, METRICS_TOKEN, startTestApp } from '../helpers/app';

/** The smaller items of hardening round two (issue 13, item 10), each against the real app. */
describe('hardening round two: smaller items (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  describe('strict unsubscribe tokens', () => {
    it('refuses a valid token with unknown extra parts (400), to the page API and in one click', async () => {
      const user = await createUser(t, admin, { email: 'strict@round2.test', role: 'student' });
      const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'overdue');
      for (const extended of [`${token}.extra`, `${token}.`, `${token}.${token}`]) {
        expect((await t.http().get('/api/v1/notifications/unsubscribe').query({ token: extended })).status).toBe(400);
        expect((await t.http().post('/unsubscribe').query({ token: extended })).status).toBe(400);
      }
      const prefs = async () => (await t.http().get('/api/v1/me/notification-preferences').set(bearer(user.accessToken))).body.overdue;
      expect(await prefs()).toBe(true);
      expect((await t.http().post('/unsubscribe').query({ token })).status).toBe(200);
      expect(await prefs()).toBe(false);
    });
  });

  describe('CSV formulas', () => {
    it('quotes every text cell and neutralises formula starters after ; , and tabs as well as at the start', async () => {
      const instructor = await createUser(t, admin, { email: 'csv-teacher@round2.test', role: 'instructor' });
      const course = (await t.http().post('/api/v1/courses').set(bearer(instructor.accessToken)).send({ title: 'CSV' })).body.id;
      await t.http().post(`/api/v1/courses/${course}/modules`).set(bearer(instructor.accessToken)).send({ title: '-1+1;@x' }).expect(201); // a column named by user text
      const names = ["Sally;=cmd|' /C calc'!A0", '@SUM(1+1)', 'Tab\t+1', 'Plain, -2;x'];
      for (const [i, name] of names.entries()) {
        const student = await createUser(t, admin, { email: `csv${i}@round2.test`, role: 'student', name });
        await t
          .http()
          .post(`/api/v1/courses/${course}/enrolments`)
          .set(bearer(instructor.accessToken))
          .send({ userId: student.id })
          .expect(201);
      }
      const res = await t.http().get(`/api/v1/courses/${course}/progress`).set(bearer(instructor.accessToken)).set('Accept', 'text/csv');
      expect(res.status).toBe(200);
      const lines = res.text.trimEnd().split('\n').slice(1);
      expect(lines).toHaveLength(names.length);
      for (const line of lines) {
        // enrolmentId, userId, name, email, cohortId, cohortName are quoted text; percent, completed, overdue, self-reported bare numbers; then quoted text; then one bare module state per module.
        expect(line).toMatch(
          /^"[0-9a-f-]{36}","[0-9a-f-]{36}","(?:[^"]|"")*","[^"]+","[0-9a-f-]*","(?:[^"]|"")*",\d+(?:\.\d+)?,\d+,\d+,\d+,"[^"]*","[a-z_]+",(?:completed|not_completed)$/,
        );
      }
      // Read the way a `;`-locale spreadsheet or a quote-ignoring importer would: no cell starts a formula.
      const cells = res.text.split(/[,;\t\r\n]/).map((c) => c.replace(/^"/, ''));
      expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
      expect(lines.some((l) => l.includes(`"Sally;'=cmd|' /C calc'!A0"`))).toBe(true);
      expect(res.text.split('\n')[0].endsWith(`,"module 1: -1+1;'@x"`)).toBe(true);
    });
  });

  describe('metrics behind a token', () => {
    it('answers 401 without the metrics token (anonymous, wrong token, an admin session) and 200 with it', async () => {
      const anonymous = await t.http().get('/api/v1/metrics');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(anonymous.text).not.toMatch(/accord_/);
      for (const token of [`${METRICS_TOKEN}x`, METRICS_TOKEN.slice(0, -1), METRICS_TOKEN.toUpperCase(), admin]) {
        expect((await t.http().get('/api/v1/metrics').set(bearer(token))).status).toBe(401);
      }
      expect((await t.http().get('/api/v1/metrics').set('Authorization', `Basic ${METRICS_TOKEN}`)).status).toBe(401);
      const scraped = await t.http().get('/api/v1/metrics').set(bearer(METRICS_TOKEN));
      expect(scraped.status).toBe(200);
      expect(scraped.text).toMatch(/accord_http_request_duration_seconds_bucket/);
    });

    it('is not served at all without METRICS_TOKEN (404), and is rate-limited like any anonymous caller', async () => {
      const unset = await t.startPeer({ METRICS_TOKEN: '' });
      for (const headers of [{}, bearer(METRICS_TOKEN), bearer(admin)]) {
        const res = await unset.http().get('/api/v1/metrics').set(headers);
        expect(res.status).toBe(404);
        expect(res.text).not.toMatch(/accord_/);
      }
      const prefix = `${t.env.REDIS_PREFIX}_metrics_limit`;
      const limited = await t.startPeer({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3', REDIS_PREFIX: prefix });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await limited.http().get('/api/v1/metrics').set(bearer(METRICS_TOKEN))).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        expect((await limited.http().get('/api/v1/metrics').set(bearer(METRICS_TOKEN))).headers['retry-after']).toMatch(/^\d+$/);
      } finally {
        const keys = await t.redis.keys(`{${prefix}}:*`);
        if (keys.length) await t.redis.del(...keys);
      }
    });
  });

  describe('script CSP', () => {
    /** The directives of a Content-Security-Policy header. */
    const directives = (header: string) =>
      new Map(
        header
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );

    it('allows no inline script on any page, and every page still gets each script it loads', async () => {
      const user = await createUser(t, admin, { email: 'csp@round2.test', role: 'student' });
      const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'welcome');
      const pages: Array<[string, Record<string, string>]> = [
        ['/api/docs', {}],
        ['/admin/queues', bearer(admin)],
        ['/set-password?token=abc', {}],
        [`/unsubscribe?token=${token}`, {}],
        ['/unsubscribe?token=forged', {}],
      ];
      for (const [path, headers] of pages) {
        // The web app serves the email pages; a forged link is its page saying so (the API answers 400 to it).
        const res = await t
          .http()
          .get(path)
          .set({ Accept: 'text/html', ...headers })
          .redirects(1);
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        const csp = directives(res.headers['content-security-policy']);
        const scriptSrc = csp.get('script-src') ?? csp.get('default-src')!;
        expect([path, scriptSrc.filter((v) => /unsafe|\*|data:|https?:/.test(v))]).toEqual([path, []]);
        expect([path, csp.get('script-src-attr')]).toEqual([path, ["'none'"]]);
        const html = res.text;
        // Inline scripts that run (not data blocks) must be allowed by a hash: there are none.
        const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>([^]*?)<\/script>/gi)].filter(
          ([, attrs]) => !/type=["']?application\/json/i.test(attrs),
        );
        for (const [, , code] of inline) expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(code).digest('base64')}'`);
        expect([path, inline.length]).toEqual([path, 0]);
        expect([path, html.replace(/<script[^]*?<\/script>/gi, '').match(/<[^>]+\son[a-z]+\s*=/gi)]).toEqual([path, null]);
        // External scripts are same-origin and served.
        const base = new URL(/<base href="([^"]+)"/.exec(html)?.[1] ?? path, 'http://accord.test');
        const sources = [...html.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/gi)].map((m) => m[1]);
        if (path === '/api/docs' || path === '/admin/queues') expect([path, sources.length > 1]).toEqual([path, true]);
        for (const src of sources) {
          const url = new URL(src.trim(), base);
          expect(url.origin).toBe('http://accord.test');
          const script = await t.http().get(url.pathname).set(headers);
          expect([url.pathname, script.status]).toEqual([url.pathname, 200]);
          expect(script.headers['content-type']).toMatch(/javascript/);
        }
      }
    });
  });

  describe('dashboard errors', () => {
    it('answers errors under /admin/queues as problem+json without stack traces, file paths or internals', async () => {
      const mail = t.app.get<Queue>(getQueueToken(QueueName.Mail), { strict: false });
      const job = await mail.add(MailJob.Invitation, { passwordTokenId: randomUUID() }); // no worker here: it stays waiting
      // bull-board adds the stack to its error bodies when NODE_ENV is development (as under `npm start`).
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'development';
      try {
        const failures = [
          [
            'bad JSON',
            400,
            await t
              .http()
              .put('/admin/queues/api/queues/mail/pause')
              .set(bearer(admin))
              .set('Content-Type', 'application/json')
              .send('{"broken": '),
          ],
          ['traversal', 403, await t.http().get('/admin/queues/static/../../package.json').set(bearer(admin))],
          ['promote', 409, await t.http().put(`/admin/queues/api/queues/mail/${job.id}/promote`).set(bearer(admin))], // a waiting job cannot be promoted
        ] as const;
        for (const [what, status, res] of failures) {
          expect([what, res.status]).toEqual([what, status]);
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
          expect(res.body).toMatchObject({ status, requestId: res.headers['x-request-id'] });
          expect(res.text).not.toMatch(/\bat \S+ \(|\.js:\d+|\.ts:\d+|node_modules|\/work\/|stack|details|delayed state/i);
        }
      } finally {
        process.env.NODE_ENV = nodeEnv;
        await job.remove();
      }
    });
  });

  describe('enrolment reveals nothing', () => {
    it('enrols only students, and tells an instructor no more than "cannot be enrolled" about an admin, an instructor or a deactivated account', async () => {
      const owner = await createUser(t, admin, { email: 'owner@enrol.round2.test', role: 'instructor' });
      const colleague = await createUser(t, admin, { email: 'colleague@enrol.round2.test', role: 'instructor' });
      const boss = await createUser(t, admin, { email: 'boss@enrol.round2.test', role: 'admin' });
      const gone = await createUser(t, admin, { email: 'gone@enrol.round2.test', role: 'student' });
      await t.http().delete(`/api/v1/users/${gone.id}`).set(bearer(admin)).expect(204);
      const course = (await t.http().post('/api/v1/courses').set(bearer(owner.accessToken)).send({ title: 'Students only' })).body.id;
      const enrol = (token: string, body: object) => t.http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(token)).send(body);
      const shape = (res: { status: number; body: Record<string, unknown> }) => ({
        status: res.status,
        type: res.body.type,
        detail: res.body.detail,
      });

      const answers: Array<ReturnType<typeof shape>> = [];
      for (const user of [boss, colleague, gone]) {
        answers.push(
          shape(await enrol(owner.accessToken, { userId: user.id })),
          shape(await enrol(owner.accessToken, { email: user.email.toUpperCase() })),
        );
      }
      expect(answers[0]).toEqual({ status: 409, type: expect.stringMatching(/not-enrollable$/), detail: expect.any(String) });
      expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
      expect(JSON.stringify(answers[0])).not.toMatch(/admin|instructor|deactivated|student/i);
      // An admin is told why.
      expect((await enrol(admin, { userId: boss.id })).body).toMatchObject({
        status: 409,
        detail: 'The user is an admin; only students can be enrolled',
      });
      expect((await enrol(admin, { email: colleague.email })).body.detail).toBe('The user is an instructor; only students can be enrolled');

      const bulk = (token: string, csv: string, query = '') =>
        t.http().post(`/api/v1/courses/${course}/enrolments/bulk${query}`).set(bearer(token)).set('Content-Type', 'text/csv').send(csv);
      const staffCsv = `email\n${boss.email}\n${colleague.email}\n${gone.email}\n${owner.email}\n`;
      const byInstructor = await bulk(owner.accessToken, staffCsv);
      expect(byInstructor.body).toMatchObject({ created: 0, existing: 0 });
      expect(byInstructor.body.failed.map((f: { error: string }) => f.error)).toEqual(Array(4).fill('cannot be enrolled'));
      const byAdmin = await bulk(admin, staffCsv, '?dryRun=true');
      expect(byAdmin.body.failed.map((f: { error: string }) => f.error)).toEqual([
        'not a student (admin)',
        'not a student (instructor)',
        'user deactivated',
        'not a student (instructor)',
      ]);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [course]);
      expect(rows[0].n).toBe(0);
    });

    it('answers a dry run the same for an email that has an account and one that has none', async () => {
      const owner = await createUser(t, admin, { email: 'dry-owner@enrol.round2.test', role: 'instructor' });
      const existing = await createUser(t, admin, { email: 'has-account@enrol.round2.test', role: 'student' });
      const course = (await t.http().post('/api/v1/courses').set(bearer(owner.accessToken)).send({ title: 'Dry runs' })).body.id;
      const dryRun = (token: string, email: string) =>
        t
          .http()
          .post(`/api/v1/courses/${course}/enrolments/bulk?dryRun=true`)
          .set(bearer(token))
          .send({ rows: [{ email }] });
      const known = await dryRun(owner.accessToken, existing.email);
      const unknown = await dryRun(owner.accessToken, 'no-account@enrol.round2.test');
      expect(known.status).toBe(200);
      expect(known.body).toEqual(unknown.body);
      expect(known.body).toMatchObject({ created: 1, existing: 0, failed: [], dryRun: true });
      // Admins can list users anyway: their dry run counts the invitations it would send.
      expect([
        (await dryRun(admin, existing.email)).body.invited,
        (await dryRun(admin, 'no-account@enrol.round2.test')).body.invited,
      ]).toEqual([0, 1]);
      // The real run still says how many accounts it created and invited.
      const real = await t
        .http()
        .post(`/api/v1/courses/${course}/enrolments/bulk`)
        .set(bearer(owner.accessToken))
        .send({ rows: [{ email: existing.email }, { email: 'no-account@enrol.round2.test' }] });
      expect(real.body).toMatchObject({ created: 2, invited: 1 });
    });
  });
});
