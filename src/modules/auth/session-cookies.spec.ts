import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfRejected } from '../../common/errors';
import type { AppConfig } from '../../config/env';
import { SessionCookies } from './session-cookies';

const config = (publicUrl: string) => ({ publicUrl, auth: { jwtSecret: 'x'.repeat(32), refreshTtlDays: 30 } }) as unknown as AppConfig;
const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
const token = '0f6a3d0e-1b2c-4d5e-8f90-123456789abc.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';

describe('SessionCookies', () => {
  const cookies = new SessionCookies(config('https://accord.test'));

  it('takes the refresh token from the cookie only with the matching CSRF header', () => {
    const cookie = `accord_csrf=${cookies.csrfFor(token)}; accord_refresh=${token}`;
    expect(cookies.refreshTokenFrom(request({ cookie, 'x-csrf-token': cookies.csrfFor(token) }))).toBe(token);
    expect(() => cookies.refreshTokenFrom(request({ cookie }))).toThrow(CsrfRejected);
    expect(() => cookies.refreshTokenFrom(request({ cookie, 'x-csrf-token': cookies.csrfFor(`${token}x`) }))).toThrow(CsrfRejected);
    expect(() => cookies.refreshTokenFrom(request({ cookie, 'x-csrf-token': 'short' }))).toThrow(CsrfRejected);
  });

  it('answers undefined without the cookie, whatever the header', () => {
    expect(cookies.refreshTokenFrom(request({ 'x-csrf-token': cookies.csrfFor(token) }))).toBeUndefined();
    expect(cookies.refreshTokenFrom(request({ cookie: 'other=1' }))).toBeUndefined();
  });

  it('is in cookie mode only when asked', () => {
    expect(cookies.wanted(request({ 'x-accord-session': 'cookie' }))).toBe(true);
    expect(cookies.wanted(request({ 'x-accord-session': 'Cookie ' }))).toBe(true);
    expect(cookies.wanted(request({ 'x-accord-session': 'body' }))).toBe(false);
    expect(cookies.wanted(request({}))).toBe(false);
  });

  it('sets Secure only under https', () => {
    const set = (c: SessionCookies) => {
      const headers: Record<string, string[]> = {};
      c.set({ header: (name: string, value: string[]) => (headers[name] = value) } as unknown as FastifyReply, token);
      return headers['set-cookie'];
    };
    expect(set(cookies).every((c) => c.endsWith('; Secure'))).toBe(true);
    expect(set(new SessionCookies(config('http://localhost:3000'))).some((c) => c.includes('Secure'))).toBe(false);
  });
});
