import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey } from 'crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Caller } from '../../common/auth.decorators';
import { Unauthenticated } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { UserAccounts } from '../users/user-accounts';
import { AccessClaims, isAccessClaims } from './token.service';

/**
 * Checks the user behind every request (active, token version, role, sign-in session not revoked;
 * see SessionCache), so deactivation, role changes, logout and password changes apply at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UserAccounts,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object, not a string: jsonwebtoken otherwise tries to parse the string as a public key on every request.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      issuer: 'accord',
    });
  }

  async validate(claims: AccessClaims & { aud?: unknown }): Promise<Caller> {
    // jsonwebtoken checks exp only when present: a token without one would never expire. An
    // audience marks another kind of token signed with the same key (dashboard ticket or cookie).
    if (!isAccessClaims(claims)) throw new Unauthenticated('A valid access token is required');
    const user = await this.users.cachedSession(claims.sub);
    if (!user || !user.isActive || user.tokenVersion !== claims.tv || user.revokedSessions.includes(claims.sid)) {
      throw new Unauthenticated('The access token has been revoked');
    }
    return { id: user.id, email: user.email, name: user.name, role: user.role, sessionId: claims.sid };
  }
}
