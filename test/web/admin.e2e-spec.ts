/// <reference lib="dom" />
import { mkdtempSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { Clock } from '../../src/common/clock';
import { bearer, login } from '../helpers/app';
import { ReminderDriver } from '../helpers/reminders';
import { demoSeeder } from '../helpers/seed';
import type { WebStack } from './browser';
import { journey, linkIn, mailTo, newPage, seriousViolations, shot, startWebStack, until } from './browser';

async function signInTo(page: Page, next: string, email: string, password: string) {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const ADMIN = ['admin@accord.local', 'accord-admin-demo'] as const;

describe('admin pages in the browser (e2e, chromium, real API, worker and SMTP sink)', () => {
  let stack: WebStack;
  let driver: ReminderDriver;
  let admin: string;
  let courseId: string;

  /** Runs the reminder pipeline at 16:00 UTC tomorrow (outside everyone's default quiet hours), then returns to real time. */
  async function sendDueReminders() {
    const at = new Date();
    at.setUTCDate(at.getUTCDate() + 1);
    at.setUTCHours(16, 0, 0, 0);
    driver.setClock(at);
    try {
      await driver.run();
    } finally {
      for (const context of [stack.t.app, stack.worker]) context.get(Clock, { strict: false }).set(null);
    }
  }

  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
    driver = new ReminderDriver(stack.t, [stack.worker]);
    admin = (await login(stack.t, ...ADMIN)).accessToken;
    const courses = await stack.t.http().get('/api/v1/courses').set(bearer(admin)).expect(200);
    courseId = courses.body.data.find((c: { slug: string }) => c.slug === 'negotiating-peace').id;
  });
  afterAll(() => stack?.close());

  it('an admin checks a CSV file (good, duplicate and invalid rows), commits it, and the new students get welcome emails with a set-password link', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'accord-import-'));
    const csv = path.join(dir, 'spring-intake.csv');
    writeFileSync(
      csv,
      [
        'email,name,cohort',
        'amara@test.local,Amara Obi,',
        'bruno@test.local,Bruno Costa,',
        'student@accord.local,,', // already enrolled by the demo seeder
        'amara@test.local,Amara again,', // twice in the file
        'not-an-email,Nobody,',
        '',
      ].join('\r\n'),
    );

    const { context, page } = await newPage(stack);
    await journey(page, 'admin-import', async () => {
      await signInTo(page, '/admin/imports', ...ADMIN);
      await page.getByRole('heading', { level: 1, name: 'Bulk enrolment' }).waitFor();
      await page.getByLabel('Course', { exact: true }).selectOption({ label: 'Negotiating Peace: Lessons from Diplomacy and Crisis' });
      await page.getByLabel('CSV file').setInputFiles(csv);
      await page.getByRole('button', { name: 'Check this file' }).click();

      const check = page.getByRole('region', { name: /^Check of spring-intake\.csv/ });
      await check.waitFor();
      const table = check.getByRole('table');
      const rows = async () => (await table.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((cell) => cell.trim()));
      expect(await rows()).toEqual([
        ['1', 'amara@test.local', 'New account: will be invited and enrolled', ''],
        ['2', 'bruno@test.local', 'New account: will be invited and enrolled', ''],
        ['3', 'student@accord.local', 'Already enrolled: no change', ''],
        ['4', 'amara@test.local', 'Will not be imported', 'duplicate in file (first in row 1)'],
        ['5', 'not-an-email', 'Will not be imported', 'invalid email'],
      ]);
      await expect(check.getByRole('listitem').allInnerTexts()).resolves.toEqual([
        '0 will be enrolled (existing accounts)',
        '2 new accounts will be invited and enrolled',
        '1 already enrolled (no change)',
        '2 rows cannot be imported',
      ]);
      // Nothing changed yet.
      const before = await stack.t.db.query("SELECT count(*)::int AS n FROM users WHERE email IN ('amara@test.local', 'bruno@test.local')");
      expect(before.rows[0].n).toBe(0);
      await shot(page, 'admin-import-check');

      await page.getByRole('button', { name: 'Commit this file' }).click();
      const done = page.getByRole('region', { name: /^Imported spring-intake\.csv into Negotiating Peace/ });
      await done.waitFor();
      await done.getByRole('status').getByText('2 enrolled (2 invited by email), 1 already enrolled, 2 not imported.').waitFor();
      expect((await done.getByRole('table').locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[2].trim())).toEqual([
        'Invited and enrolled',
        'Invited and enrolled',
        'Already enrolled: no change',
        'Not imported',
        'Not imported',
      ]);
      await shot(page, 'admin-import-done');
    });
    await context.close();

    // Imported newcomers get no separate invitation: their welcome email carries the set-password link.
    await sendDueReminders();
    for (const email of ['amara@test.local', 'bruno@test.local']) {
      const welcome = await mailTo(stack, email, 'Welcome to');
      linkIn(welcome.text, `${stack.base}/set-password?token=`);
    }
    expect(stack.t.mail.messages.filter((m) => m.to.includes('not-an-email'))).toEqual([]);
  });

  it('an admin retries a failed reminder and sees it sent', async () => {
    const email = 'failed-once@test.local';
    const enrolled = await stack.t
      .http()
      .post(`/api/v1/courses/${courseId}/enrolments`)
      .set(bearer(admin))
      .send({ email, name: 'Farah Once' })
      .expect(201);
    // The way the sender leaves a reminder after its last attempt: failed, with the SMTP answer.
    const { rows } = await stack.t.db.query(
      "UPDATE reminders SET status = 'failed', attempts = 5, last_error = '550 5.1.1 mailbox unavailable' WHERE enrolment_id = $1 AND kind = 'welcome' RETURNING id",
      [enrolled.body.id],
    );
    expect(rows).toHaveLength(1);

    const { context, page } = await newPage(stack);
    await journey(page, 'admin-retry', async () => {
      await signInTo(page, '/admin/reminders', ...ADMIN);
      await page.getByRole('heading', { level: 1, name: 'Reminders' }).waitFor();
      const row = page.getByRole('row', { name: /Farah Once/ });
      await row.getByText('550 5.1.1 mailbox unavailable').waitFor();
      await shot(page, 'admin-reminders-failed');
      await row.getByRole('button', { name: `Retry welcome email to ${email}` }).click();
      await page
        .getByRole('status')
        .getByText(/is scheduled again/)
        .waitFor();
      await row.getByText('scheduled', { exact: true }).waitFor();

      await sendDueReminders();
      await row.getByText('sent', { exact: true }).waitFor({ timeout: 15_000 });
      await expect(row.getByRole('button', { name: /Retry/ }).count()).resolves.toBe(0);
      await shot(page, 'admin-reminders-retried');

      // The queue dashboard opens from here with a one-time ticket.
      await page.getByRole('button', { name: 'Open the queue dashboard' }).click();
      await page.waitForURL(/\/admin\/queues/);
      await until(async () => /bull|queue/i.test(await page.title()));
    });
    await context.close();
    await mailTo(stack, email, 'Welcome to');
    const after = await stack.t.db.query('SELECT status FROM reminders WHERE id = $1', [rows[0].id]);
    expect(after.rows[0].status).toBe('sent');
  });

  it('an admin finds people, adds one by invitation, resends it, changes a role and deactivates someone, by keyboard where it matters', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'admin-users', async () => {
      await signInTo(page, '/admin/users', ...ADMIN);
      await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
      await page.getByRole('row', { name: /student@accord\.local/ }).waitFor();

      await page.getByLabel('Name', { exact: true }).fill('Greta Lind');
      await page.getByLabel('Email', { exact: true }).fill('greta@test.local');
      await page.getByLabel('Role', { exact: true }).last().selectOption('instructor');
      await page.getByRole('button', { name: 'Add person' }).click();
      await page
        .getByRole('status')
        .getByText('Added Greta Lind (greta@test.local) as instructor. An invitation email is on its way.')
        .waitFor();
      await mailTo(stack, 'greta@test.local', 'You are invited');

      await page.getByRole('searchbox', { name: 'Name or email' }).fill('greta');
      await page.keyboard.press('Enter');
      const greta = page.getByRole('row', { name: /greta@test\.local/ });
      await greta.getByText('Invited (no password yet)').waitFor();
      await until(async () => (await page.locator('tbody tr').count()) === 1);
      const invitations = () => stack.t.mail.messages.filter((m) => m.to.includes('greta@test.local')).length;
      // Once a minute at most: the first try comes too soon after the invitation.
      await greta.getByRole('button', { name: 'Resend invitation to Greta Lind' }).click();
      await page.getByRole('alert').getByText('An invitation was sent to this user less than a minute ago').waitFor();
      await stack.t.db.query(
        "UPDATE password_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = (SELECT id FROM users WHERE email = 'greta@test.local')",
      );
      await greta.getByRole('button', { name: 'Resend invitation to Greta Lind' }).click();
      await page
        .getByRole('status')
        .getByText(/A new invitation to greta@test\.local is on its way/)
        .waitFor();
      await until(() => invitations() === 2, 20_000);

      await greta.getByLabel('Role of Greta Lind', { exact: true }).selectOption('student');
      await greta.getByRole('button', { name: 'Save role of Greta Lind' }).click();
      await page.getByRole('status').getByText('Greta Lind is now student.').waitFor();

      // Deactivate, by keyboard: the dialog opens on Cancel, Escape keeps the account, then confirm.
      await greta.getByRole('button', { name: 'Deactivate Greta Lind' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Deactivate Greta Lind?' });
      await dialog.waitFor();
      await page.waitForFunction(() => document.activeElement?.textContent === 'Cancel');
      await shot(page, 'admin-users-confirm');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await greta.getByText('Invited (no password yet)').waitFor();
      await greta.getByRole('button', { name: 'Deactivate Greta Lind' }).click();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Greta Lind is deactivated and signed out everywhere.').waitFor();
      await greta.getByText('Deactivated').waitFor();

      // Role filter and Load more: 50 a page.
      await page.getByRole('searchbox', { name: 'Name or email' }).fill('');
      await page.getByLabel('Role', { exact: true }).first().selectOption('student');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/role=student/);
      await page.getByRole('row', { name: /student@accord\.local/ }).waitFor();
      await expect(page.getByRole('row', { name: /admin@accord\.local/ }).count()).resolves.toBe(0);
      await shot(page, 'admin-users');
    });
    await context.close();
    const row = await stack.t.db.query("SELECT role, is_active FROM users WHERE email = 'greta@test.local'");
    expect(row.rows[0]).toEqual({ role: 'student', is_active: false });
  });

  it('the audit log shows who did what, and filters by entity and action', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'admin-audit', async () => {
      await signInTo(page, '/admin/audit', ...ADMIN);
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      await page.getByLabel('Entity', { exact: true }).selectOption('user');
      await page.getByLabel('Action').fill('user.deactivated');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/action=user\.deactivated/);
      const entry = page.getByRole('row', { name: /user\.deactivated/ }).first();
      await entry.getByRole('link', { name: /All entries by Ada Admin \(admin@accord\.local\)/ }).waitFor();
      await entry.getByText('Show changes').click();
      await entry.getByText(/"isActive": false/).waitFor();
      await expect(page.locator('tbody tr').count()).resolves.toBe(1);
      await shot(page, 'admin-audit');
    });
    await context.close();
  });

  it('axe finds nothing serious on any admin page, and they fit a 360 px screen', async () => {
    const { context, page } = await newPage(stack, { phone: true });
    const problems: string[] = [];
    await journey(page, 'admin-axe', async () => {
      await signInTo(page, '/admin/users', ...ADMIN);
      for (const [url, title] of [
        ['/admin/users', 'People'],
        ['/admin/imports', 'Bulk enrolment'],
        ['/admin/reminders?status=sent', 'Reminders'],
        ['/admin/audit', 'Audit log'],
      ]) {
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await page
          .locator('tbody tr')
          .first()
          .waitFor({ timeout: 5_000 })
          .catch(() => undefined);
        await expect(page.getByRole('heading', { level: 1 }).count()).resolves.toBe(1);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect([url, overflow]).toEqual([url, 0]);
        for (const v of await seriousViolations(page)) problems.push(`${url}: ${v}`);
      }
      await shot(page, 'admin-audit-phone');
      // The confirmation dialog too.
      await page.goto('/admin/users?q=student2');
      await page.getByRole('button', { name: /^Deactivate/ }).click();
      await page.getByRole('dialog').waitFor();
      for (const v of await seriousViolations(page)) problems.push(`dialog: ${v}`);
      await shot(page, 'admin-users-phone-dialog');
    });
    await context.close();
    expect(problems).toEqual([]);
  });

  it('a student who types /admin/users sees "We cannot find that page"', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'admin-student', async () => {
      await signInTo(page, '/admin/users', 'student2@accord.local', 'accord-student-demo');
      await page.getByRole('heading', { level: 1, name: 'We cannot find that page' }).waitFor();
      await expect(page.getByRole('link', { name: 'People' }).count()).resolves.toBe(0);
      for (const url of ['/admin/imports', '/admin/reminders', '/admin/audit']) {
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: 'We cannot find that page' }).waitFor();
      }
    });
    await context.close();
  });
});
