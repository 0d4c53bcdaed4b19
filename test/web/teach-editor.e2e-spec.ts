/// <reference lib="dom" />
import { bearer, login } from '../helpers/app';
import { demoSeeder } from '../helpers/seed';
import type { WebStack } from './browser';
import { journey, newPage, seriousViolations, shot, startWebStack } from './browser';

describe('an instructor builds and assigns a course in the browser (e2e, chromium)', () => {
  let stack: WebStack;
  beforeAll(async () => {
    stack = await startWebStack();
    await demoSeeder(stack.t).run();
  });
  afterAll(() => stack?.close());

  it('builds a course from catalogue search, sets a prerequisite, reads the cycle error, reorders by keyboard, publishes and assigns a module to a cohort', async () => {
    const { context, page } = await newPage(stack);
    const problems: string[] = [];
    const axe = async (where: string) => {
      for (const v of await seriousViolations(page)) problems.push(`${where}: ${v}`);
    };
    page.on('dialog', (dialog) => void dialog.accept());
    let courseId = '';
    await journey(page, 'teach-editor', async () => {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill('instructor@accord.local');
      await page.getByLabel('Password').fill('accord-instructor-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Courses I teach' }).waitFor();
      await axe('/teach');

      await page.getByLabel('Title').fill('Negotiation Lab');
      await page.getByLabel(/^Time zone/).selectOption('America/New_York');
      await page.getByRole('button', { name: 'Create course' }).click();
      await page.getByRole('heading', { level: 1, name: 'Negotiation Lab' }).waitFor();
      courseId = new URL(page.url()).pathname.split('/')[3];

      for (const title of ['Peace processes', 'Mediators']) {
        await page.locator('#new-module-title').fill(title);
        await page.getByRole('button', { name: 'Add module' }).click();
        await page.getByRole('heading', { level: 3, name: title }).waitFor();
      }

      // Catalogue search, matched words highlighted.
      await page.getByLabel('Words').fill('Colombia');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('.results mark').first().waitFor();
      expect((await page.locator('.results mark').first().textContent())?.toLowerCase()).toContain('colombia');
      await page.getByLabel('Add to module').selectOption({ label: 'Peace processes' });
      await page.getByRole('button', { name: /^Add Advice for Peace/ }).click();
      await page
        .getByRole('status')
        .getByText(/^Added “Advice for Peace/)
        .waitFor();
      await page.getByLabel('Words').fill('Ahtisaari');
      await page.getByLabel('Kind').selectOption('video');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByLabel('Add to module').selectOption({ label: 'Mediators' });
      await page.getByRole('button', { name: /^Add Martti Ahtisaari: 2010 Great Negotiator/ }).click();
      await page
        .getByRole('status')
        .getByText(/^Added “Martti Ahtisaari/)
        .waitFor();
      await shot(page, 'course-editor');
      await axe('editor');

      // Mediators after Peace processes; then the other way round is a cycle, said in words.
      const mediators = page.getByRole('region', { name: 'Mediators' });
      await mediators.getByRole('button', { name: 'Edit module' }).click();
      await mediators.getByLabel('Peace processes').check();
      await mediators.getByRole('button', { name: 'Save module' }).click();
      await page.getByText('After “Peace processes”').waitFor();
      const peace = page.getByRole('region', { name: 'Peace processes' });
      await peace.getByRole('button', { name: 'Edit module' }).click();
      await peace.getByLabel('Mediators').check();
      await peace.getByRole('button', { name: 'Save module' }).click();
      await page.getByRole('alert').getByText(/cycle/i).waitFor();
      await shot(page, 'cycle-error');

      // Reorder by keyboard: focus the button, press Enter; the focus stays on the moved module's button.
      await page.getByRole('button', { name: 'Move module Mediators up' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Modules reordered.').waitFor();
      // The list is redrawn from the server's answer, then the focus goes back to the moved module's button.
      await page.waitForFunction(() => /Move module Mediators/.test(document.activeElement?.getAttribute('aria-label') ?? ''));
      expect(await page.locator('.editor-module h3').allTextContents()).toEqual(['Mediators', 'Peace processes']);

      await page.getByRole('button', { name: 'Publish' }).click();
      await page
        .getByRole('status')
        .getByText(/^Published/)
        .waitFor();
    });

    // A cohort with two demo students (the cohort pages are tested on their own).
    const instructor = (await login(stack.t, 'instructor@accord.local', 'accord-instructor-demo')).accessToken;
    const cohort = await stack.t
      .http()
      .post(`/api/v1/courses/${courseId}/cohorts`)
      .set(bearer(instructor))
      .send({ name: 'Spring' })
      .expect(201);
    for (const email of ['student@accord.local', 'student2@accord.local'])
      await stack.t
        .http()
        .post(`/api/v1/courses/${courseId}/enrolments`)
        .set(bearer(instructor))
        .send({ email, cohortId: cohort.body.id })
        .expect(201);

    await journey(page, 'teach-assign', async () => {
      await page.getByRole('link', { name: 'Assignments' }).click();
      await page.getByRole('heading', { level: 1, name: 'Assignments' }).waitFor();
      await page.getByLabel('Module', { exact: true }).selectOption({ label: 'Peace processes' });
      await page.getByLabel('A cohort').check();
      await page.getByLabel('Due (America/New_York)').fill('2027-03-15T17:00');
      // 17:00 in New York on 15 March 2027 (daylight time) is 21:00 UTC.
      await page
        .getByText(/(21:00|9:00 PM) UTC/)
        .first()
        .waitFor();
      await page.getByText('2 students will get it.').waitFor();
      await page.getByRole('button', { name: 'Assign' }).click();
      await page.getByRole('status').getByText('Assigned.').waitFor();
      await page.getByRole('cell', { name: 'Cohort Spring' }).waitFor();
      // The same module to the same students again: a warning before anyone is assigned twice.
      await page.getByText(/already assigned to some of these students/).waitFor();
      await shot(page, 'assignments');
      await axe('assignments');
    });
    await context.close();

    const assignments = await stack.t.http().get(`/api/v1/courses/${courseId}/assignments`).set(bearer(instructor)).expect(200);
    expect(assignments.body.data).toHaveLength(1);
    expect(assignments.body.data[0]).toMatchObject({
      dueAt: '2027-03-15T21:00:00.000Z',
      target: { type: 'cohort', cohortId: cohort.body.id },
    });
    const modules = await stack.t.http().get(`/api/v1/courses/${courseId}/modules`).set(bearer(instructor)).expect(200);
    expect(modules.body.data.map((m: { title: string; items: unknown[] }) => [m.title, m.items.length])).toEqual([
      ['Mediators', 1],
      ['Peace processes', 1],
    ]);
    expect(problems).toEqual([]);
  });

  it('a student who types a staff URL sees not found', async () => {
    const { context, page } = await newPage(stack);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('student3@accord.local');
    await page.getByLabel('Password').fill('accord-student-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Hello/ }).waitFor();
    await expect(page.getByRole('link', { name: 'Teaching' }).count()).resolves.toBe(0);
    for (const path of ['/teach', '/teach/courses/00000000-0000-4000-8000-000000000000/assignments', '/admin/users']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: 'We cannot find that page' }).waitFor();
    }
    await context.close();
  });
});
