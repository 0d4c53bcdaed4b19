import type { INestApplicationContext } from '@nestjs/common';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'fs';
import path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { freePort } from '../helpers/ports';
import type { CaughtMail, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';

/** Screenshots: every page a journey visits on failure, and the named ones always (docs, review). */
export const SHOTS = path.join(__dirname, '..', '..', 'test-results', 'web');

export interface WebStack {
  t: TestApp;
  worker: INestApplicationContext;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The whole product on one port, as a person meets it: the API serving the built web app, a worker
 * sending real mail to the SMTP sink, and Debian's chromium driven by Playwright (CHROMIUM_PATH is
 * set by `npm test`, which installs the browser when it is missing).
 */
export async function startWebStack(overrides: Record<string, string> = {}): Promise<WebStack> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ PUBLIC_URL: base, ...overrides });
  await t.app.listen(port, '127.0.0.1');
  const worker = await t.startWorker();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    t,
    worker,
    base,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
}

/** A fresh browser profile (no cookies, no storage) the size of a laptop screen, or of a phone (360 px). */
export async function newPage(stack: WebStack, options: { phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({
    baseURL: stack.base,
    viewport: options.phone ? { width: 360, height: 740 } : { width: 1280, height: 860 },
  });
  context.setDefaultTimeout(15_000); // a step that waits longer than this has failed
  const page = await context.newPage();
  return { context, page };
}

/** Runs a journey; on failure saves a screenshot of where it stopped, then fails the test. */
export async function journey(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    await page.screenshot({ path: path.join(SHOTS, `FAILED-${name}.png`), fullPage: true }).catch(() => undefined);
    throw error;
  }
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** The first link in a caught email's text part that starts with the given URL prefix. */
export function linkIn(text: string, prefix: string): string {
  const found = text.match(/https?:\/\/\S+/g)?.find((url) => url.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} link in:\n${text}`);
  return found;
}

/** Waits for the first email to `to` whose subject starts with `subject`, as caught by the SMTP sink. */
export async function mailTo(stack: WebStack, to: string, subject: string | RegExp) {
  const matches = (m: CaughtMail) =>
    m.to.includes(to) && (typeof subject === 'string' ? m.subject.startsWith(subject) : subject.test(m.subject));
  const messages = await stack.t.mail
    .waitFor((all) => all.some(matches), 20_000)
    .catch(() => {
      const got = stack.t.mail.messages.filter((m) => m.to.includes(to)).map((m) => m.subject);
      throw new Error(`no "${String(subject)}" email to ${to}; it has: ${JSON.stringify(got)}`);
    });
  return messages.find(matches)!;
}

/** Polls `check` until it returns true (answers reach the test a moment after the page has them). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Serious and critical WCAG 2.2 A/AA findings of axe on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
