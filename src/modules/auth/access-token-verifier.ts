import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'crypto';
import { verify } from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { AccessClaims, isAccessClaims } from './token.service';

export type Verification = { valid: true; claims: AccessClaims } | { valid: false; expired: boolean };

const MAX_ENTRIES = 50_000;

/**
 * Checks an access token's signature, issuer and expiry for the rate limiter (which must not give
 * a made-up token a budget of its own), remembering tokens that passed until they expire: a client
 * sends the same token for its whole lifetime. Authentication itself is passport-jwt's.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly key: KeyObject;
  private readonly valid = new Map<string, { claims: AccessClaims; expiresAt: number }>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // A key object, not a string: jsonwebtoken otherwise parses the string as a key on every call.
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
  }

  verify(token: string): Verification {
    const now = Date.now();
    const known = this.valid.get(token);
    if (known) {
      if (known.expiresAt > now) return { valid: true, claims: known.claims };
      this.valid.delete(token);
      return { valid: false, expired: true };
    }
    let claims: AccessClaims;
    try {
      claims = verify(token, this.key, { algorithms: ['HS256'], issuer: 'accord' }) as AccessClaims;
    } catch (error) {
      return { valid: false, expired: (error as Error).name === 'TokenExpiredError' };
    }
    // jsonwebtoken checks exp only when present: a token without one would never expire.
    if (!isAccessClaims(claims)) return { valid: false, expired: false };
    if (this.valid.size >= MAX_ENTRIES) this.valid.delete(this.valid.keys().next().value!);
    this.valid.set(token, { claims, expiresAt: claims.exp * 1000 });
    return { valid: true, claims };
  }
}
