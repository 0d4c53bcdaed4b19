/// <reference lib="dom" />
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import type { Page } from 'playwright-core';
import { parseCsv } from '../../src/modules/enrolments/csv';
import { bearer, login } from '../helpers/app';
import { demoSeeder } from '../helpers/seed';
import type { WebStack } from './browser';
import { journey, newPage, seriousViolations, shot, startWebStack, until } from './browser';

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const INSTRUCTOR = ['instructor@accord.local', 'accord-instructor-demo'] as const;

/** The student names in the report table, top to bottom. */
const tableNames = (page: Page) => page.locator('table.report tbody th[scope="row"] a').allInnerTexts();

describe('instructor progress report, drill-down, reminders and cohorts in the browser (e2e, chromium)', () => {
  let stack: WebStack;
  let courseId: string;
  let samEnrolment: string;

  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
    const t = stack.t;
    const instructor = (await login(t, ...INSTRUCTOR)).accessToken;
    const courses = await t.http().get('/api/v1/courses').set(bearer(instructor)).expect(200);
    courseId = courses.body.data.find((c: { slug: string }) => c.slug === 'negotiating-peace').id;

    // Progress: Sam watches the whole demo clip (module 1 completed); Lucía watches a third of it.
    const watch = async (email: string, to: number) => {
      const student = (await login(t, email, 'accord-student-demo')).accessToken;
      const view = await t.http().get(`/api/v1/me/courses/${courseId}/progress`).set(bearer(student)).expect(200);
      const itemId = view.body.modules[0].items[0].id;
      const answer = await t
        .http()
        .post('/api/v1/progress/events')
        .set(bearer(student))
        .send({
          events: [
            {
              eventId: randomUUID(),
              itemId,
              type: 'progressed',
              positionSeconds: to,
              percent: (to / 60) * 100,
              watchedSegments: [[0, to]],
              occurredAt: new Date().toISOString(),
            },
          ],
        })
        .expect(200);
      expect(answer.body.accepted).toBe(1);
    };
    await watch('student@accord.local', 60);
    await watch('student2@accord.local', 20);

    // A cohort in use: Sam is in "Evening".
    const cohort = await t.http().post(`/api/v1/courses/${courseId}/cohorts`).set(bearer(instructor)).send({ name: 'Evening' }).expect(201);
    const enrolments = await t
      .http()
      .get(`/api/v1/courses/${courseId}/enrolments`)
      .query({ q: 'student@accord.local' })
      .set(bearer(instructor));
    samEnrolment = enrolments.body.data.find((e: { user: { email: string } }) => e.user.email === 'student@accord.local').id;
    await t.http().patch(`/api/v1/enrolments/${samEnrolment}`).set(bearer(instructor)).send({ cohortId: cohort.body.id }).expect(200);
  });
  afterAll(() => stack?.close());

  it('progress: sorts and filters the table, downloads the CSV (rows match the table), shows the charts, opens a drill-down', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'teach-report', async () => {
      await signIn(page, ...INSTRUCTOR);
      await page.goto(`/teach/courses/${courseId}/progress`);
      await page.getByRole('heading', { level: 1, name: /^Progress: Negotiating Peace/ }).waitFor();
      await until(async () => (await tableNames(page)).length === 3);
      expect(await tableNames(page)).toEqual(['Chen Wei', 'Lucía Estudiante', 'Sam Student']);
      const studentHeader = page.getByRole('columnheader', { name: 'Student', exact: true });
      await expect(studentHeader.getAttribute('aria-sort')).resolves.toBe('ascending');

      // Sort by course percent: click once (ascending), then Enter on the focused button (descending).
      const percentButton = page.getByRole('button', { name: /^Course percent/ });
      await percentButton.click();
      await until(
        async () =>
          (await page.getByRole('columnheader', { name: 'Course percent', exact: true }).getAttribute('aria-sort')) === 'ascending',
      );
      await until(async () => (await tableNames(page))[2] === 'Sam Student'); // Chen and Lucía have 0 % (ties go by enrolment)
      await percentButton.focus();
      await page.keyboard.press('Enter');
      await until(
        async () =>
          (await page.getByRole('columnheader', { name: 'Course percent', exact: true }).getAttribute('aria-sort')) === 'descending',
      );
      await until(async () => (await tableNames(page))[0] === 'Sam Student');
      await expect(studentHeader.getAttribute('aria-sort')).resolves.toBeNull();
      const samRow = page.getByRole('row', { name: /Sam Student/ });
      await expect(samRow.innerText()).resolves.toMatch(/Evening[\s\S]*In progress[\s\S]*Done/);

      // Filters: state (server), cohort (server), name or email (the loaded rows).
      await page.getByLabel('State').selectOption({ label: 'In progress' });
      await until(async () => (await tableNames(page)).join() === 'Sam Student,Lucía Estudiante');
      await page.getByLabel('Cohort').selectOption({ label: 'Evening' });
      await until(async () => (await tableNames(page)).join() === 'Sam Student');
      await page.getByLabel('Cohort').selectOption({ label: 'All cohorts' });
      await page.getByLabel('State').selectOption({ label: 'All states' });
      await until(async () => (await tableNames(page)).length === 3);
      await page.getByLabel('Name or email').fill('student2@');
      await until(async () => (await tableNames(page)).join() === 'Lucía Estudiante');
      await page.getByRole('status').getByText('1 of 3 loaded students match').waitFor();
      await page.getByLabel('Name or email').fill('');
      await until(async () => (await tableNames(page)).length === 3);

      // The charts, with their numbers as text.
      await page.getByText('Completion per module (share of enrolled students who completed it)').waitFor();
      const moduleTable = page.locator('table', { has: page.locator('caption', { hasText: 'Completion per module' }) });
      await expect(moduleTable.getByRole('row', { name: /Start here/ }).innerText()).resolves.toMatch(/^1\. Start here\s+1\s+3\s+33\.3 %/);
      const histogram = page.locator('table', { has: page.locator('caption', { hasText: 'Students by course progress' }) });
      await expect(histogram.getByRole('row', { name: /^0–9 %/ }).innerText()).resolves.toMatch(/\s3$/); // one item of eleven is 9.1 %: everyone is under 10 %
      await shot(page, 'teach-report');

      // The CSV, as the table is sorted now (percent, descending): same students, same order, same numbers.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      expect(download.suggestedFilename()).toBe(`progress-${courseId}.csv`);
      const csv = parseCsv(readFileSync(await download.path(), 'utf8')).map((r) => r.fields);
      const [head, ...lines] = csv;
      expect(head.slice(0, 4)).toEqual(['enrolmentId', 'userId', 'name', 'email']);
      expect(head).toContain('module 1: Start here');
      const percentCol = head.indexOf('percent');
      const stateCol = head.indexOf('state');
      const bodyRows = page.locator('table.report tbody tr');
      const table = await bodyRows.evaluateAll((trs) =>
        trs.map((tr) => ({
          name: tr.querySelector('th a')!.textContent,
          percent: tr.querySelectorAll('td')[2].childNodes[0].textContent,
          state: tr.querySelectorAll('td')[1].textContent,
        })),
      );
      const states: Record<string, string> = { not_started: 'Not started', in_progress: 'In progress', completed: 'Completed' };
      expect(
        lines.map((l) => ({ name: l[2], percent: `${Math.round(Number(l[percentCol]) * 10) / 10} %`, state: states[l[stateCol]] })),
      ).toEqual(table);
      await page.getByRole('status').getByText(`Downloaded progress-${courseId}.csv.`).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      // Drill-down: Sam's modules and items, with evidence and times in the viewer's zone.
      await page.getByRole('link', { name: 'Sam Student' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sam Student’s progress' }).waitFor();
      const clip = page.getByRole('row', { name: /Getting started: how Accord tracks/ });
      const text = await clip.innerText();
      expect(text).toMatch(/Completed/);
      expect(text).toMatch(/100 %/);
      expect(text).toMatch(/Evidenced/);
      expect(text).toMatch(/\(America\/New_York\)/); // the instructor's time zone
      await page.getByRole('heading', { level: 2, name: 'Module 2: Foundations: at and behind the table' }).waitFor();
      expect(page.url()).toContain(`/progress/${samEnrolment}`);
      await shot(page, 'teach-drilldown');
      expect(await seriousViolations(page)).toEqual([]);
    });
    await context.close();
  });

  it('progress on a phone (360 px): the table scrolls inside its own box, the page does not', async () => {
    const { context, page } = await newPage(stack, { phone: true });
    await journey(page, 'teach-report-phone', async () => {
      await signIn(page, ...INSTRUCTOR);
      await page.goto(`/teach/courses/${courseId}/progress`);
      await until(async () => (await tableNames(page)).length === 3);
      await page.getByText('Students by course progress (3 students)').waitFor();
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.view);
      await shot(page, 'teach-report-phone');
    });
    await context.close();
  });

  it('reminders: lists the course reminders and filters them by status and kind', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'teach-reminders', async () => {
      await signIn(page, ...INSTRUCTOR);
      await page.goto(`/teach/courses/${courseId}/reminders`);
      await page.getByRole('heading', { level: 1, name: /^Reminders: Negotiating Peace/ }).waitFor();
      const rows = page.locator('tbody tr');
      await until(async () => (await rows.count()) >= 3);
      for (const email of ['student@accord.local', 'student2@accord.local', 'student3@accord.local'])
        await expect(
          page
            .getByRole('row', { name: new RegExp(email) })
            .first()
            .innerText(),
        ).resolves.toMatch(/Welcome/);
      await page.getByLabel('Kind').selectOption({ label: 'Welcome' });
      await page
        .getByRole('status')
        .getByText(/^\d+ reminders?/)
        .waitFor();
      expect(await rows.count()).toBeGreaterThanOrEqual(3);
      await shot(page, 'teach-reminders');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Status').selectOption({ label: 'Failed' });
      await page.getByRole('status').getByText('No reminders match.').waitFor();
    });
    await context.close();
  });

  it('cohorts: create, rename and delete one; a cohort in use is not deleted and the alert says who uses it', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'teach-cohorts', async () => {
      await signIn(page, ...INSTRUCTOR);
      await page.goto(`/teach/courses/${courseId}/cohorts`);
      await page.getByRole('heading', { level: 1, name: /^Cohorts: Negotiating Peace/ }).waitFor();
      await page.getByRole('rowheader', { name: 'Evening' }).waitFor();

      await page.getByLabel('New cohort name').fill('Weekend');
      await page.getByRole('button', { name: 'Create cohort' }).click();
      await page.getByRole('status').getByText('Created the cohort “Weekend”.').waitFor();
      await page.getByRole('rowheader', { name: 'Weekend' }).waitFor();

      await page.getByRole('button', { name: 'Rename Weekend' }).click();
      const rename = page.getByLabel('New name for “Weekend”');
      await rename.waitFor();
      await page.waitForFunction(
        () =>
          document.activeElement?.getAttribute('aria-label')?.startsWith('New name') ||
          (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent?.startsWith('New name'),
      );
      await rename.fill('Weekend section');
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Renamed “Weekend” to “Weekend section”.').waitFor();
      await page.getByRole('rowheader', { name: 'Weekend section' }).waitFor();
      await shot(page, 'teach-cohorts');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Delete Weekend section' }).click();
      await page.getByRole('status').getByText('Deleted the cohort “Weekend section”.').waitFor();
      await until(async () => (await page.getByRole('rowheader', { name: 'Weekend section' }).count()) === 0);

      await page.getByRole('button', { name: 'Delete Evening' }).click();
      await page
        .getByRole('alert')
        .getByText(/The cohort "Evening" is used by 1 enrolment \(student@accord\.local\)/)
        .waitFor();
      await page.getByRole('rowheader', { name: 'Evening' }).waitFor();
      await shot(page, 'teach-cohorts-in-use');
      expect(await seriousViolations(page)).toEqual([]);
    });
    await context.close();
  });

  it('a student who opens the progress page sees "We cannot find that page"', async () => {
    const { context, page } = await newPage(stack);
    await journey(page, 'teach-report-student', async () => {
      await signIn(page, 'student@accord.local', 'accord-student-demo');
      await page.goto(`/teach/courses/${courseId}/progress`);
      await page.getByRole('heading', { level: 1, name: 'We cannot find that page' }).waitFor();
    });
    await context.close();
  });
});
