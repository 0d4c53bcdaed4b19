import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { Caller } from '../../common/auth.decorators';
import { Forbidden, Unauthenticated } from '../../common/errors';
import { orUnavailable } from '../../common/unavailable';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { AuthService } from '../auth/auth.service';
import { isAccessClaims, isSessionClaims, SessionClaims } from '../auth/token.service';
import { REDIS } from '../redis/redis.module';
import { UserAccounts } from '../users/user-accounts';

export const DASHBOARD_PATH = '/admin/queues';
export const SESSION_COOKIE = 'accord_queues';
const TICKET_SECONDS = 60;
const SESSION_SECONDS = 30 * 60;
const UNAVAILABLE = 'The queue dashboard is temporarily unavailable; try again shortly';

/**
 * One-minute, single-use tickets (in a link) traded for a 30-minute HttpOnly cookie scoped to the
 * dashboard. Ticket and cookie belong to the admin's sign-in session and die with it (logout,
 * password change, refresh-token reuse, deactivation).
 */
@Injectable()
export class QueuesDashboardSessions {
  constructor(
    private readonly jwt: JwtService,
    private readonly auth: AuthService,
    private readonly users: UserAccounts,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ticketUrl(caller: Caller): Promise<{ url: string; expiresIn: number }> {
    if (!caller.sessionId) throw new Unauthenticated();
    const jti = randomUUID();
    // Redis holds each unused ticket; exchanging it deletes it, so a link works once.
    await orUnavailable(this.redis.set(ticketKey(jti), caller.sessionId, 'EX', TICKET_SECONDS), UNAVAILABLE);
    const ticket = await this.jwt.signAsync(
      { sub: caller.id, sid: caller.sessionId },
      { audience: 'queues-ticket', expiresIn: TICKET_SECONDS, jwtid: jti },
    );
    return { url: `${this.config.publicUrl}${DASHBOARD_PATH}?ticket=${ticket}`, expiresIn: TICKET_SECONDS };
  }

  /** Consumes the ticket (atomically: of two exchanges, one wins) and answers the cookie to set. */
  async exchange(ticket: string): Promise<{ token: string; maxAge: number }> {
    const claims = await this.jwt.verifyAsync<SessionClaims & { jti?: string }>(ticket, { audience: 'queues-ticket' }).catch(() => null);
    const refused = new Unauthenticated('The dashboard link has expired or was already used; request a new one');
    if (!isSessionClaims(claims) || typeof claims.jti !== 'string') throw refused;
    if ((await orUnavailable(this.redis.getdel(ticketKey(claims.jti)), UNAVAILABLE)) !== claims.sid) throw refused;
    await this.admit(claims);
    const token = await this.jwt.signAsync(
      { sub: claims.sub, sid: claims.sid },
      { audience: 'queues-session', expiresIn: SESSION_SECONDS },
    );
    return { token, maxAge: SESSION_SECONDS };
  }

  /** Lets an admin in by the dashboard cookie or a bearer access token, while their sign-in session is live. */
  async authorise(cookie: string | undefined, bearer: string | undefined): Promise<void> {
    const fromCookie = cookie ? await this.jwt.verifyAsync<SessionClaims>(cookie, { audience: 'queues-session' }).catch(() => null) : null;
    if (isSessionClaims(fromCookie)) return this.admit(fromCookie);
    const access = bearer ? await this.jwt.verifyAsync<Record<string, unknown>>(bearer).catch(() => null) : null;
    if (access && isAccessClaims(access)) return this.admit(access, access.tv);
    throw new Unauthenticated('Sign in as an admin: POST /api/v1/admin/queues/session gives a dashboard link');
  }

  /** Read afresh, never cached: the user must be an active admin and the session not revoked, however long ago. */
  private async admit(claims: SessionClaims, tokenVersion?: number): Promise<void> {
    const [user, live] = await Promise.all([this.users.findSession(claims.sub), this.auth.isSessionLive(claims.sub, claims.sid)]);
    if (!user?.isActive || !live || (tokenVersion !== undefined && user.tokenVersion !== tokenVersion))
      throw new Unauthenticated('The session has ended; sign in again');
    if (user.role !== 'admin') throw new Forbidden('The queue dashboard is for admins');
  }
}

const ticketKey = (jti: string) => `queues-ticket:${jti}`;
