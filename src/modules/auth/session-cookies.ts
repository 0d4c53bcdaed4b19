import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, serializeCookie } from '../../common/cookies';
import { CsrfRejected } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/env';

export const SESSION_MODE_HEADER = 'x-accord-session';
export const CSRF_HEADER = 'x-csrf-token';
export const REFRESH_COOKIE = 'accord_refresh';
export const CSRF_COOKIE = 'accord_csrf';
/** The refresh cookie goes only to the auth routes (refresh, logout), never to the rest of the API. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

/**
 * Sign-in a browser can hold: the refresh token in an HttpOnly, SameSite=Strict cookie scoped to
 * the auth routes, which script never sees, and a CSRF token the web app reads from a second
 * cookie and sends back in X-CSRF-Token. The CSRF token is an HMAC of the refresh token, so
 * nothing is stored and it rotates with every refresh.
 */
@Injectable()
export class SessionCookies {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The client asked for cookie mode (X-Accord-Session: cookie). */
  wanted(request: FastifyRequest): boolean {
    const mode = request.headers[SESSION_MODE_HEADER];
    return typeof mode === 'string' && mode.trim().toLowerCase() === 'cookie';
  }

  csrfFor(refreshToken: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret).update(`csrf:${refreshToken}`).digest('base64url');
  }

  /** The refresh token from the cookie, once the X-CSRF-Token header proves the caller is the web app; undefined without the cookie. */
  refreshTokenFrom(request: FastifyRequest): string | undefined {
    const token = readCookie(request.headers.cookie, REFRESH_COOKIE);
    if (!token) return undefined;
    const given = request.headers[CSRF_HEADER];
    const expected = Buffer.from(this.csrfFor(token));
    const presented = Buffer.from(typeof given === 'string' ? given : '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new CsrfRejected();
    return token;
  }

  set(reply: FastifyReply, refreshToken: string): void {
    this.write(reply, refreshToken, this.config.auth.refreshTtlDays * 86_400);
  }

  clear(reply: FastifyReply): void {
    this.write(reply, '', 0);
  }

  private write(reply: FastifyReply, refreshToken: string, maxAgeSeconds: number): void {
    const secure = this.config.publicUrl.startsWith('https');
    void reply.header('set-cookie', [
      serializeCookie(REFRESH_COOKIE, refreshToken, { path: REFRESH_COOKIE_PATH, maxAgeSeconds, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, refreshToken ? this.csrfFor(refreshToken) : '', { path: '/', maxAgeSeconds, secure }),
    ]);
  }
}
