/// <reference lib="dom" />
import { bearer, login } from '../helpers/app';
import { demoSeeder } from '../helpers/seed';
import type { WebStack } from './browser';
import { ReminderDriver } from '../helpers/reminders';
import { journey, linkIn, mailTo, newPage, shot, startWebStack, until } from './browser';

/** Plays the page's video at 4× from where it is until `percent` of it has played (muted, so autoplay is allowed). */
const playTo = (percent: number) =>
  `(async () => {
    const v = document.querySelector('video');
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    v.muted = true;
    v.playbackRate = 4;
    await v.play();
    await new Promise((resolve) => {
      const check = () => (v.currentTime >= v.duration * ${percent / 100} ? (v.pause(), resolve()) : setTimeout(check, 100));
      check();
    });
  })()`;

describe('a student in the browser (e2e, chromium, real API, worker and SMTP sink)', () => {
  let stack: WebStack;
  let instructor: string;
  let courseId: string;

  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
    instructor = (await login(stack.t, 'instructor@accord.local', 'accord-instructor-demo')).accessToken;
    const courses = await stack.t.http().get('/api/v1/courses').set(bearer(instructor)).expect(200);
    courseId = courses.body.data.find((c: { slug: string }) => c.slug === 'negotiating-peace').id;
  });
  afterAll(() => stack?.close());

  it('an invited student follows the welcome email, sets a password, watches the demo video, and the module completes and the next unlocks; the report agrees', async () => {
    const email = 'nadia@test.local';
    await stack.t
      .http()
      .post(`/api/v1/courses/${courseId}/enrolments`)
      .set(bearer(instructor))
      .send({ email, name: 'Nadia Nowak' })
      .expect(201);
    await new ReminderDriver(stack.t, [stack.worker]).run(); // what the worker's scheduler does every few seconds
    const welcome = await mailTo(stack, email, 'Welcome to');
    const setPasswordLink = linkIn(welcome.text, `${stack.base}/set-password?token=`);

    const { context, page } = await newPage(stack);
    let shown = '';
    await journey(page, 'invited-student', async () => {
      await page.goto(setPasswordLink);
      await page.getByRole('heading', { name: 'Choose your Accord password' }).waitFor();
      await shot(page, 'set-password');
      await page.getByLabel('New password', { exact: true }).fill('nadia-password-1');
      await page.getByLabel('New password again').fill('nadia-password-1');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();

      // Lands on the course the email is about, signed in.
      await page.getByRole('heading', { level: 1, name: 'Negotiating Peace' }).waitFor({ timeout: 15_000 });
      const start = page.getByRole('region', { name: 'Start here' });
      await expect(start.getByText('Available').first().isVisible()).resolves.toBe(true);
      const next = page.getByRole('region', { name: 'Foundations: at and behind the table' });
      await expect(next.getByText('Complete “Start here” first.').isVisible()).resolves.toBe(true);
      await shot(page, 'course-before');

      await page.getByRole('link', { name: /^Start: Getting started/ }).click();
      await page.getByRole('heading', { level: 1, name: /Getting started/ }).waitFor();
      await page.locator('video track[kind="captions"]').waitFor({ state: 'attached' });
      await page.evaluate(playTo(95));
      await shot(page, 'player');
      // The player reports what was played; the server judges coverage and completes the item.
      await page.getByTestId('item-state').getByText('Completed').waitFor({ timeout: 20_000 });
      await page.getByTestId('module-state').getByText('completed').waitFor();

      await page.getByRole('link', { name: 'Negotiating Peace' }).click();
      await page.getByRole('region', { name: 'Start here' }).getByText('Completed').first().waitFor();
      await expect(next.getByText('Available').first().isVisible()).resolves.toBe(true);
      await expect(next.getByRole('link').first().isVisible()).resolves.toBe(true);
      await shot(page, 'course-after');
      shown = (await page.locator('.progress-text').first().textContent()) ?? '';
    });
    await context.close();

    // The instructor's report shows the same: the module is completed, and the same percent.
    const report = await stack.t.http().get(`/api/v1/courses/${courseId}/progress`).set(bearer(instructor)).expect(200);
    const row = report.body.data.find((r: { user: { email: string } }) => r.user.email === email);
    expect(row.modules[0]).toMatchObject({ title: 'Start here', state: 'completed' });
    expect(row.percent).toBeGreaterThan(0);
    expect(shown).toBe(`${row.percent} %`); // the student's page and the instructor's report show one number
  });
});

describe('the player offline (e2e, chromium)', () => {
  let stack: WebStack;
  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
  });
  afterAll(() => stack?.close());

  it('queues progress while the network is down, sends it when it returns, and the server counts each event once', async () => {
    const { context, page } = await newPage(stack);
    // What the server answered to each batch the page sent.
    const answers: Array<{ accepted: number; duplicates: number; rejected: unknown[] }> = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url().endsWith('/api/v1/progress/events'))
        void response.json().then((body: (typeof answers)[number]) => answers.push(body));
    });
    const total = (key: 'accepted' | 'duplicates') => answers.reduce((sum, a) => sum + a[key], 0);
    const count = async () =>
      (
        await stack.t.db.query(
          "SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM progress_events pe JOIN users u ON u.id = pe.user_id WHERE u.email = 'student@accord.local'",
        )
      ).rows[0] as { n: number; d: number };
    const outbox = () =>
      page.evaluate(() =>
        Object.entries(localStorage)
          .filter(([k]) => k.startsWith('accord.outbox.'))
          .flatMap(([, v]) => JSON.parse(v) as Array<{ eventId: string }>),
      );

    await journey(page, 'offline-player', async () => {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill('student@accord.local');
      await page.getByLabel('Password').fill('accord-student-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /^Hello/ }).waitFor();
      await page.getByRole('link', { name: 'Negotiating Peace' }).click();
      await page.getByRole('link', { name: /^Start: Getting started/ }).click();
      await page.locator('video').waitFor();
      // Let the small clip load completely while online, then cut the network and watch.
      await page.evaluate(`(async () => {
        const v = document.querySelector('video');
        v.preload = 'auto'; v.load();
        await new Promise((r) => { const c = () => (v.buffered.length && v.buffered.end(0) >= v.duration - 0.5 ? r() : setTimeout(c, 100)); c(); });
      })()`);
      await context.setOffline(true);
      await page.evaluate(playTo(60));
      await page.waitForFunction(() =>
        Object.keys(localStorage).some((k) => k.startsWith('accord.outbox.') && JSON.parse(localStorage[k]).length > 0),
      );
      const queued = await outbox();
      expect(queued.length).toBeGreaterThan(0);
      expect((await count()).n).toBe(0); // nothing reached the server

      await context.setOffline(false);
      await page.waitForFunction(
        () => Object.keys(localStorage).every((k) => !k.startsWith('accord.outbox.') || JSON.parse(localStorage[k]).length === 0),
        undefined,
        { timeout: 20_000 },
      );
      await until(async () => (await count()).n === total('accepted'));
      const after = await count();
      expect(after.n).toBeGreaterThanOrEqual(queued.length);
      expect(total('duplicates')).toBe(0);
      expect(answers.flatMap((a) => a.rejected)).toEqual([]);

      // The same events again (a tab that did not hear the answer resends them): nothing counts twice.
      await page.evaluate((events) => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('accord.outbox.'))!;
        localStorage[key] = JSON.stringify(events);
      }, queued);
      await page.reload();
      await page.waitForFunction(
        () => Object.keys(localStorage).every((k) => !k.startsWith('accord.outbox.') || JSON.parse(localStorage[k]).length === 0),
        undefined,
        { timeout: 20_000 },
      );
      await until(() => total('duplicates') === queued.length); // they were sent again, and the server knew them…
      expect((await count()).n).toBe(after.n); // …and stored nothing twice
      const covered = await stack.t.db.query(
        "SELECT ip.covered_percent::float AS c FROM item_progress ip JOIN enrolments e ON e.id = ip.enrolment_id JOIN users u ON u.id = e.user_id WHERE u.email = 'student@accord.local'",
      );
      expect(covered.rows[0].c).toBeGreaterThanOrEqual(55);
      expect(covered.rows[0].c).toBeLessThan(90);
    });
    await context.close();
  });
});
