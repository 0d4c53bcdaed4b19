import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'crypto';
import { EntityManager } from 'typeorm';
import { appConfig } from '../../config/env';
import { sha256 } from '../users/invitation.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export interface AccessClaims {
  sub: string;
  /** The user's token version when issued; a bump (deactivation) invalidates the token. */
  tv: number;
  /** Set when signed (seconds since the epoch). */
  exp?: number;
  /** Set when signed: unique per token. */
  jti?: string;
}

export interface IssuedPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Issues access JWTs and opaque rotating refresh tokens (stored hashed, grouped in families). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async issue(user: { id: string; tokenVersion: number }, familyId: string = randomUUID(), manager?: EntityManager): Promise<IssuedPair> {
    const id = randomUUID();
    const refreshToken = `${id}.${randomBytes(32).toString('base64url')}`;
    await this.refreshTokens.insert(
      {
        id,
        userId: user.id,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000),
      },
      manager,
    );
    const claims: AccessClaims = { sub: user.id, tv: user.tokenVersion };
    // A unique jti: two tokens issued in the same second are still different tokens.
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.auth.accessTtlSeconds, jwtid: randomUUID() });
    return { accessToken, refreshToken, expiresIn: this.config.auth.accessTtlSeconds };
  }
}
