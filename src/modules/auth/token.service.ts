import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'crypto';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { sha256 } from '../../common/hash';
import { isUuid } from '../../common/uuid';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export interface AccessClaims {
  sub: string;
  /** The user's token version when issued; a bump (deactivation, password change) invalidates the token. */
  tv: number;
  /** The sign-in session (auth_sessions.id, the refresh-token family): revoking it invalidates the token. */
  sid: string;
  /** Set when signed (seconds since the epoch). */
  exp?: number;
  /** Set when signed: unique per token. */
  jti?: string;
}

/** Who a token Accord signed speaks for: a user and one of their sign-in sessions, with an expiry. */
export interface SessionClaims {
  sub: string;
  sid: string;
  exp: number;
}

/** The part every token of a sign-in session shares (access tokens, dashboard tickets and cookies). */
export const isSessionClaims = (claims: { sub?: unknown; sid?: unknown; exp?: unknown } | null | undefined): claims is SessionClaims =>
  isUuid(claims?.sub) && isUuid(claims?.sid) && typeof claims?.exp === 'number';

/** The shape of an access token Accord issues: user, token version, sign-in session, expiry; no audience. */
export function isAccessClaims(claims: Partial<AccessClaims> & { aud?: unknown }): claims is AccessClaims & { exp: number } {
  return typeof claims.tv === 'number' && claims.aud === undefined && isSessionClaims(claims);
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Issues access JWTs and opaque rotating refresh tokens (stored hashed, grouped in sign-in sessions). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A pair for the given sign-in session (a refresh), or for a new one when none is given (a sign-in). */
  async issue(user: { id: string; tokenVersion: number }, sessionId?: string, manager?: EntityManager): Promise<IssuedPair> {
    const id = randomUUID();
    const refreshToken = `${id}.${randomBytes(32).toString('base64url')}`;
    const token = {
      id,
      userId: user.id,
      familyId: sessionId ?? randomUUID(),
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(this.clock.now().getTime() + this.config.auth.refreshTtlDays * 86_400_000),
    };
    if (sessionId) await this.refreshTokens.insert(token, manager);
    else await this.refreshTokens.startSession(token, manager);
    const claims: AccessClaims = { sub: user.id, tv: user.tokenVersion, sid: token.familyId };
    // A unique jti: two tokens issued in the same second are still different tokens.
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.auth.accessTtlSeconds, jwtid: randomUUID() });
    return { accessToken, refreshToken, expiresIn: this.config.auth.accessTtlSeconds };
  }
}
