/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { nextSlot } from '../../src/modules/notifications/email-slots';
import { AtRiskAlertJob } from '../../src/modules/alerts/at-risk-alert-job';
import { DigestSender } from '../../src/modules/reminders/digest-sender';
import { bearer, login } from '../helpers/app';
import { ReminderDriver } from '../helpers/reminders';
import { demoSeeder } from '../helpers/seed';
import type { WebStack } from './browser';
import { journey, linkIn, mailTo, newPage, seriousViolations, shot, startWebStack } from './browser';

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello/ }).waitFor();
}

/** Presses Tab until the focused element's text (or label) matches; fails after 40 presses. */
async function tabTo(page: Page, text: RegExp): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return `${el?.innerText ?? ''} ${el?.getAttribute('aria-label') ?? ''} ${el?.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '') : ''}`;
    });
    if (text.test(focused)) return;
  }
  throw new Error(`Tab never reached ${String(text)}`);
}

describe('accounts and every email link in the browser (e2e, chromium)', () => {
  let stack: WebStack;
  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
  });
  afterAll(() => stack?.close());

  it('forgot password: the emailed link sets a new password once; the old password and the used link are refused', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'forgot-password', async () => {
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email').fill('student2@accord.local');
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page
        .getByRole('status')
        .getByText(/we have sent it a link/)
        .waitFor();
      await shot(page, 'forgot-password');

      const mail = await mailTo(stack, 'student2@accord.local', 'Reset your Accord password');
      const link = linkIn(mail.text, `${stack.base}/set-password?token=`);
      await page.goto(link);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await page.getByLabel('New password', { exact: true }).fill('a-brand-new-secret');
      await page.getByLabel('New password again').fill('a-brand-new-secret');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
      await page.getByRole('heading', { name: /^Hello/ }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();

      // The same link again: refused, with a way to get a new one.
      await page.goto(link);
      await page.getByLabel('New password', { exact: true }).fill('yet-another-secret');
      await page.getByLabel('New password again').fill('yet-another-secret');
      await page.getByRole('button', { name: 'Set password and sign in' }).click();
      await page
        .getByRole('alert')
        .getByText(/invalid, expired or already used/)
        .waitFor();
      await expect(page.getByRole('link', { name: 'Send me a new link' }).isVisible()).resolves.toBe(true);

      await page.goto('/sign-in');
      await page.getByLabel('Email').fill('student2@accord.local');
      await page.getByLabel('Password').fill('accord-student-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await page.getByLabel('Password').fill('a-brand-new-secret');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /^Hello/ }).waitFor();
    });
    await context.close();
  });

  it('keyboard alone: sign in, open a course and an item, change a preference', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'keyboard-navigation', async () => {
      await page.goto('/sign-in');
      await tabTo(page, /^\s*Email/);
      await page.keyboard.type('student3@accord.local');
      await page.keyboard.press('Tab');
      await page.keyboard.type('accord-student-demo');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Hello, Chen Wei' }).waitFor();
      await tabTo(page, /^Negotiating Peace/);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: /^Negotiating Peace/ }).waitFor();
      await tabTo(page, /^Start: Getting started/);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: /^Getting started/ }).waitFor();
      await tabTo(page, /Video: Getting started/); // the player itself takes focus (its controls are the browser's)
      await tabTo(page, /^Email preferences/);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Email preferences' }).waitFor();
      // Students have no at-risk alert to set.
      await expect(page.getByLabel('Send me the at-risk students alert').count()).resolves.toBe(0);
      await tabTo(page, /Inactivity nudges/);
      await page.keyboard.press('Space');
      await tabTo(page, /^Save preferences/);
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Saved.').waitFor();
    });
    await context.close();
    const me = await login(stack.t, 'student3@accord.local', 'accord-student-demo');
    const prefs = await stack.t.http().get('/api/v1/me/notification-preferences').set(bearer(me.accessToken)).expect(200);
    expect(prefs.body.inactivity).toBe(false);
  });

  it('preferences show the calendar feed link: copy puts it on the clipboard, replace gives a new one and the old one stops working', async () => {
    const { context, page } = await newPage(stack);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.base });
    let oldUrl = '';
    let newUrl = '';
    await journey(page, 'calendar-feed', async () => {
      await signIn(page, 'student@accord.local', 'accord-student-demo');
      await page.goto('/preferences');
      await page.getByRole('heading', { level: 2, name: 'Calendar feed' }).waitFor();
      const field = page.getByLabel('Calendar feed URL');
      await field.waitFor();
      oldUrl = await field.inputValue();
      expect(oldUrl).toMatch(/\/api\/v1\/calendar\/[\w-]+\.[\w-]+\.ics$/);
      expect(await page.getByRole('link', { name: 'Open in your calendar app' }).getAttribute('href')).toMatch(/^webcal:/);
      await page.getByRole('button', { name: 'Copy calendar link' }).click();
      await page.getByRole('status').getByText('Link copied.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(oldUrl);
      await shot(page, 'preferences-calendar');
      await page.getByRole('button', { name: 'Replace calendar link' }).click();
      await page
        .getByRole('status')
        .getByText(/The old link no longer works/)
        .waitFor();
      newUrl = await field.inputValue();
    });
    await context.close();
    expect(newUrl).not.toBe(oldUrl);
    const path = (url: string) => new URL(url).pathname;
    expect((await stack.t.http().get(path(oldUrl))).status).toBe(404);
    const feed = await stack.t.http().get(path(newUrl));
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
  });

  it('an instructor sets the at-risk students alert with labelled controls', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'at-risk-alert-preferences', async () => {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill('instructor@accord.local');
      await page.getByLabel('Password').fill('accord-instructor-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      await page.getByRole('link', { name: 'Email preferences' }).click();
      await page.getByRole('heading', { level: 1, name: 'Email preferences' }).waitFor();
      const alerts = page.getByRole('group', { name: 'Students at risk in my courses' });
      await alerts.waitFor();
      await expect(alerts.getByLabel('Send me the at-risk students alert').inputValue()).resolves.toBe('weekly');
      await expect(alerts.getByLabel('On', { exact: true }).inputValue()).resolves.toBe('1');
      await alerts.getByLabel('Send me the at-risk students alert').selectOption('daily');
      await expect(alerts.getByLabel('On', { exact: true }).count()).resolves.toBe(0); // no weekday for a daily alert
      await alerts.getByLabel('At (your time zone)').selectOption('17');
      await alerts.getByLabel('Overdue assignments').uncheck();
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByRole('status').getByText('Saved.').waitFor();
    });
    await context.close();
    const me = await login(stack.t, 'instructor@accord.local', 'accord-instructor-demo');
    const prefs = await stack.t.http().get('/api/v1/me/notification-preferences').set(bearer(me.accessToken)).expect(200);
    expect(prefs.body.atRiskAlerts).toEqual({ frequency: 'daily', hour: 17, weekday: 1, inactive: true, overdue: false, behind: true });
  });

  it('the links of an instructor’s at-risk alert open the progress report and the student’s drill-down', async () => {
    const t = stack.t;
    const driver = new ReminderDriver(t, [stack.worker]);
    const instructor = await login(t, 'instructor@accord.local', 'accord-instructor-demo');
    const courses = await t.http().get('/api/v1/courses').set(bearer(instructor.accessToken)).expect(200);
    const course = courses.body.data.find((c: { slug: string }) => c.slug === 'negotiating-peace');
    // A student enrolled today who never shows up: inactive with required work left a month from now.
    await t
      .http()
      .post(`/api/v1/courses/${course.id}/enrolments`)
      .set(bearer(instructor.accessToken))
      .send({ email: 'absent@test.local', name: 'Abe Sent' })
      .expect(201);
    const prefs = await t
      .http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(instructor.accessToken))
      .send({ atRiskAlerts: { frequency: 'daily', hour: 9, inactive: true } })
      .expect(200);
    const me = await t.http().get('/api/v1/me').set(bearer(instructor.accessToken)).expect(200);
    const slot = nextSlot(new Date(Date.now() + 30 * 86_400_000), prefs.body.atRiskAlerts, me.body.timezone)!;
    driver.setClock(new Date(slot.getTime() + 60_000));
    expect(await stack.worker.get(AtRiskAlertJob, { strict: false }).run()).toBe(1);
    driver.setClock(new Date());
    const alert = await mailTo(stack, 'instructor@accord.local', /need(s)? attention/);
    expect(alert.text).toMatch(/- Abe Sent <absent@test\.local>: inactive for 30 days with required work left/);
    const links = [...new Set(alert.text.match(/https?:\/\/\S+\/teach\/\S+/g) ?? [])];
    expect(links).toEqual(expect.arrayContaining([`${stack.base}/teach/courses/${course.id}/progress`]));
    const abe = /- Abe Sent <absent@test\.local>: [^\n]+\n\s+(\S+)/.exec(alert.text)![1];
    expect(abe).toMatch(new RegExp(`^${stack.base}/teach/courses/${course.id}/progress/[0-9a-f-]{36}$`));

    const { context, page } = await newPage(stack);
    await journey(page, 'at-risk-alert-links', async () => {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill('instructor@accord.local');
      await page.getByLabel('Password').fill('accord-instructor-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      for (const url of links) {
        await page.goto(url);
        const heading = page.getByRole('heading', { level: 1 });
        await heading.waitFor();
        expect([url, await heading.textContent()]).not.toEqual([url, expect.stringMatching(/cannot find|not valid|not found/i)]);
      }
      // Abe's drill-down (opened from an email it cannot name the student: the drill-down API does not carry the name).
      await page.goto(abe);
      await page.getByRole('heading', { level: 1, name: /progress$/ }).waitFor();
      await page.getByRole('heading', { level: 2 }).first().waitFor(); // the modules, once the student's progress loaded
    });
    await context.close();
  });

  it('preferences: a daily digest at 07:00 is set from labelled controls, and shown again on the next visit', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'digest-preferences', async () => {
      await signIn(page, 'student3@accord.local', 'accord-student-demo');
      await page.goto('/preferences');
      await page.getByRole('heading', { level: 1, name: 'Email preferences' }).waitFor();
      await page.getByRole('group', { name: 'Digest' }).waitFor();
      await expect(page.getByLabel('How often').inputValue()).resolves.toBe('off');
      await page.getByLabel('How often').selectOption('daily');
      await page.getByLabel('At (your time zone)').selectOption({ label: '07:00' });
      await expect(page.getByLabel('Day').count()).resolves.toBe(0); // only a weekly digest has a day
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByRole('status').getByText('Saved.').waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Email preferences' }).waitFor();
      await expect(page.getByLabel('How often').inputValue()).resolves.toBe('daily');
      await expect(page.getByLabel('At (your time zone)').inputValue()).resolves.toBe('7');
      await shot(page, 'preferences-digest');
    });
    await context.close();
    const me = await login(stack.t, 'student3@accord.local', 'accord-student-demo');
    const prefs = await stack.t.http().get('/api/v1/me/notification-preferences').set(bearer(me.accessToken)).expect(200);
    expect(prefs.body.digest).toEqual({ frequency: 'daily', hour: 7, weekday: 1 });
  });

  it('every link in every kind of email opens a page that renders, and axe finds nothing serious on any student page', async () => {
    const t = stack.t;
    const driver = new ReminderDriver(t, [stack.worker]);
    const admin = (await login(t, 'admin@accord.local', 'accord-admin-demo')).accessToken;
    const instructor = (await login(t, 'instructor@accord.local', 'accord-instructor-demo')).accessToken;
    const courses = await t.http().get('/api/v1/courses').set(bearer(instructor)).expect(200);
    const course = courses.body.data.find((c: { slug: string }) => c.slug === 'negotiating-peace');
    const modules = (await t.http().get(`/api/v1/courses/${course.id}/modules`).set(bearer(instructor)).expect(200)).body.data;
    const email = 'lina@test.local';
    const password = 'lina-password-1';

    // invitation (admin creates the account) and welcome (enrolment), then a password so the links can be followed signed in.
    const user = await t.http().post('/api/v1/users').set(bearer(admin)).send({ email, name: 'Lina Park', role: 'student' }).expect(201);
    await t.http().post(`/api/v1/courses/${course.id}/enrolments`).set(bearer(instructor)).send({ userId: user.body.id }).expect(201);
    await driver.run();
    const invitation = await mailTo(stack, email, 'You are invited');
    const welcome = await mailTo(stack, email, 'Welcome to');
    const token = linkIn(invitation.text, `${stack.base}/set-password?token=`);
    const lina = await t
      .http()
      .post('/api/v1/auth/set-password')
      .send({ token: new URL(token).searchParams.get('token'), password })
      .expect(200);
    // No quiet hours, so each reminder goes the moment it is due, whatever the hour this test runs at.
    await t
      .http()
      .put('/api/v1/me/notification-preferences')
      .set(bearer(lina.body.accessToken))
      .send({ welcome: true, assignment: true, dueSoon: true, overdue: true, inactivity: true, quietHours: null })
      .expect(200);

    // assignment now; due soon, overdue and inactivity as the clock moves on.
    const now = Date.now();
    driver.setClock(new Date(now));
    await t
      .http()
      .post(`/api/v1/courses/${course.id}/assignments`)
      .set(bearer(instructor))
      .send({ moduleId: modules[0].id, dueAt: new Date(now + 2 * 86_400_000).toISOString(), target: { type: 'course' } })
      .expect(201);
    await driver.run();
    const assignment = await mailTo(stack, email, 'New assignment');
    driver.setClock(new Date(now + 86_400_000 + 60_000)); // 24 h before the due date
    await driver.run();
    const dueSoon = await mailTo(stack, email, 'Due soon');
    driver.setClock(new Date(now + 3 * 86_400_000));
    await driver.run();
    const overdue = await mailTo(stack, email, 'Overdue');
    driver.setClock(new Date(now + 30 * 86_400_000));
    await driver.scanInactivity();
    await driver.run();
    const inactivity = await mailTo(stack, email, 'We miss you');
    await t.http().post('/api/v1/auth/password-reset').send({ email }).expect(202);
    const reset = await mailTo(stack, email, 'Reset your Accord password');
    // A daily digest: the next assignment's notice waits for the slot, then comes in the digest.
    await t
      .http()
      .patch('/api/v1/me/notification-preferences')
      .set(bearer(lina.body.accessToken))
      .send({ digest: { frequency: 'daily', hour: 7, weekday: 1 } })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/courses/${course.id}/assignments`)
      .set(bearer(instructor))
      .send({ moduleId: modules[1].id, dueAt: new Date(now + 33 * 86_400_000).toISOString(), target: { type: 'course' } })
      .expect(201);
    await driver.run();
    const slot = await t.db.query<{ scheduled_for: Date }>(
      "SELECT d.scheduled_for FROM digests d JOIN users u ON u.id = d.user_id WHERE u.email = $1 AND d.status = 'pending'",
      [email],
    );
    expect(slot.rows).toHaveLength(1);
    driver.setClock(new Date(slot.rows[0].scheduled_for.getTime() + 1_000));
    // Other accounts of this stack (earlier tests) may have digests due too; Lina's is the one read below.
    expect(await stack.worker.get(DigestSender, { strict: false }).run()).toBeGreaterThanOrEqual(1);
    const digest = await mailTo(stack, email, 'Your Accord digest');
    driver.setClock(new Date()); // back to today for the browser

    const mails = { invitation, welcome, assignment, dueSoon, overdue, inactivity, reset, digest };
    const links = new Map<string, string>();
    for (const [kind, mail] of Object.entries(mails)) for (const url of mail.text.match(/https?:\/\/\S+/g) ?? []) links.set(url, kind);
    expect(new Set(links.values()).size).toBe(Object.keys(mails).length); // every kind carries at least one link
    for (const url of links.keys()) expect(url.startsWith(stack.base)).toBe(true);

    const { context, page } = await newPage(stack, { phone: true });
    const problems: string[] = [];
    await journey(page, 'email-links', async () => {
      await signIn(page, email, password);
      for (const [url, kind] of links) {
        await page.goto(url);
        const heading = page.getByRole('heading', { level: 1 });
        await heading.waitFor();
        const title = (await heading.textContent()) ?? '';
        expect([kind, url, title]).not.toEqual([kind, url, expect.stringMatching(/cannot find|not valid|not complete/i)]);
        // Nothing wider than the 360 px screen.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect([url, overflow]).toEqual([url, 0]);
        for (const v of await seriousViolations(page)) problems.push(`${url}: ${v}`);
      }
      // The pages no email links to directly.
      for (const path of ['/', '/preferences', `/courses/${course.slug}`]) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
      }
      await page.goto('/preferences');
      await page.getByRole('heading', { name: 'Email preferences' }).waitFor();
      await shot(page, 'preferences-phone');
      await page.getByRole('button', { name: 'Sign out' }).click();
      for (const path of ['/sign-in', '/forgot-password']) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
      }
    });
    await context.close();
    expect(problems).toEqual([]);
  });
});
