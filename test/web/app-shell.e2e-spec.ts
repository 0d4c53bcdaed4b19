/// <reference lib="dom" />
import { gzipSync } from 'zlib';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { WEB_DIST } from '../../src/modules/web/web-app';
import { ADMIN, createUser, login } from '../helpers/app';
import type { WebStack } from './browser';
import { journey, newPage, startWebStack } from './browser';

const html = { Accept: 'text/html,application/xhtml+xml' };

describe('web app shell: served by the API, budgets, sign-in (e2e, chromium)', () => {
  let stack: WebStack;
  beforeAll(async () => {
    stack = await startWebStack();
  });
  afterAll(() => stack?.close());

  it('serves the app at the root and at every client route, and leaves the API its own 404s', async () => {
    const http = () => stack.t.http();
    for (const route of [
      '/',
      '/sign-in',
      '/courses/negotiating-peace',
      '/courses/x/modules/y',
      '/preferences',
      '/set-password?token=a.b',
      '/unsubscribe?token=x',
    ]) {
      const res = await http().get(route).set(html);
      expect([route, res.status, res.headers['content-type']]).toEqual([route, 200, 'text/html; charset=utf-8']);
      expect(res.text).toContain('<div id="root"></div>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const api = await http().get('/api/v1/nothing-here').set(html);
    expect([api.status, api.headers['content-type']]).toEqual([404, 'application/problem+json; charset=utf-8']);
    const asset = await http().get('/assets/nothing.js');
    expect(asset.status).toBe(404);
    // A script asking for a page path is not a person: no HTML for fetch() calls that want JSON.
    expect((await http().get('/courses/x').set('Accept', 'application/json')).status).toBe(404);
  });

  it('caches the hashed files for a year, and keeps the first JavaScript under 150 KB gzipped', async () => {
    const index = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    const preloads = [...index.matchAll(/<link rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of [...scripts, ...preloads]) gzipped += gzipSync(readFileSync(path.join(WEB_DIST, src))).length;
    expect(gzipped).toBeLessThan(150 * 1024);
    expect(readdirSync(path.join(WEB_DIST, 'assets')).some((f) => f.endsWith('.css'))).toBe(true);

    const res = await stack.t.http().get(scripts[0]);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
  });

  it('signs in with the keyboard alone, keeps the session over a reload with no token in storage, and signs out', async () => {
    const admin = await login(stack.t, ADMIN.email, ADMIN.password);
    const student = await createUser(stack.t, admin.accessToken, { email: 'kim@test.local', name: 'Kim Lee', role: 'student' });
    const { context, page } = await newPage(stack);
    await journey(page, 'keyboard-sign-in', async () => {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');

      // Tab from the top: skip link, brand, email, password, submit; no mouse anywhere.
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('email');
      await page.keyboard.type(student.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(student.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Hello, Kim Lee' }).waitFor();

      const stored = await page.evaluate(
        () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
      );
      expect(stored).not.toMatch(/eyJ|refresh/i); // no JWT, no refresh token where a script can read it
      const cookies = await context.cookies();
      const refresh = cookies.find((c) => c.name === 'accord_refresh');
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });

      await page.reload();
      await page.getByRole('heading', { name: 'Hello, Kim Lee' }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor();
      await page.goto('/preferences');
      await page.getByRole('heading', { name: 'Sign in to Accord' }).waitFor();
      expect(new URL(page.url()).searchParams.get('next')).toBe('/preferences');
      // Signing in there opens the page the link was for; a next= to another site is ignored.
      await page.getByLabel('Email').fill(student.email);
      await page.getByLabel('Password').fill(student.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Email preferences' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto('/sign-in?next=//evil.example/');
      await page.getByLabel('Email').fill(student.email);
      await page.getByLabel('Password').fill(student.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Hello, Kim Lee' }).waitFor();
      expect(new URL(page.url()).origin).toBe(stack.base);
    });
    await context.close();
  });
});
