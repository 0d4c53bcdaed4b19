import { Injectable, Logger } from '@nestjs/common';
import { InvalidInput, InvalidCredentials, Unauthenticated } from '../../common/errors';
import { Clock } from '../../common/clock';
import { sha256 } from '../../common/hash';
import { UserDto } from '../users/dto/user.dto';
import { PasswordHasher } from '../users/password-hasher';
import { UserAccounts } from '../users/user-accounts';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import { LoginThrottle } from './login-throttle';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { IssuedPair, TokenService } from './token.service';

export type Session = IssuedPair & { user: UserDto };

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UserAccounts,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly enrolments: EnrolmentsService,
    private readonly clock: Clock,
  ) {}

  /** Same answer for an unknown email, a wrong password, a deactivated or not-yet-activated account. */
  async login(email: string, password: string, ip: string): Promise<Session> {
    await this.throttle.assertAllowed(email, ip);
    const user = await this.users.findCredentials(email);
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok || !user.isActive || !user.passwordHash) {
      this.logger.warn({ ip, known: Boolean(user) }, 'failed sign-in');
      throw new InvalidCredentials();
    }
    await this.throttle.recordSuccess(email, ip);
    await this.users.touchLogin(user.id);
    await this.enrolments.activateInvited(user.id);
    return this.sessionFor(user.id);
  }

  async refresh(refreshToken: string): Promise<Session> {
    const stored = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!stored || stored.revokedAt || stored.expiresAt.getTime() <= this.clock.now().getTime())
      throw new Unauthenticated('The refresh token is not valid');
    const user = await this.users.findSession(stored.userId);
    if (!user?.isActive) throw new Unauthenticated('The refresh token is not valid');
    const pair = await this.refreshTokens.transaction(async (manager) => {
      if (!(await this.refreshTokens.lockLiveSession(manager, stored.familyId))) return 'refused' as const;
      const spent = await this.refreshTokens.spend(manager, stored.id);
      return spent === 'spent' ? this.tokens.issue(user, stored.familyId, manager) : spent;
    });
    if (pair === 'refused') throw new Unauthenticated('The refresh token is not valid');
    // Spent moments ago by another request of the same client (two tabs, a retry): the winner's tokens stay good.
    if (pair === 'raced') throw new Unauthenticated('The refresh token was just used by another request; use the tokens it received');
    if (pair === 'reused') {
      // A token spent a while ago came back: someone holds a copy. End the whole session, access tokens included.
      await this.revokeSession(stored.familyId);
      this.logger.warn({ userId: stored.userId, familyId: stored.familyId }, 'refresh token reuse: session revoked');
      throw new Unauthenticated('The refresh token was already used; the session has been revoked');
    }
    return { ...pair, user: await this.userDto(user.id) };
  }

  /** Ends the session everywhere: refresh tokens, access tokens, dashboard cookie. Idempotent: an unknown or already revoked token is fine. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (stored) await this.revokeSession(stored.familyId);
  }

  /** Whether a sign-in session of this user is still live (not revoked), however old its revocation. */
  isSessionLive(userId: string, sessionId: string): Promise<boolean> {
    return this.refreshTokens.isSessionLive(userId, sessionId);
  }

  private async revokeSession(sessionId: string): Promise<void> {
    const userId = await this.refreshTokens.revokeSession(sessionId);
    // After commit: every API process re-reads the user's session check, so the access tokens stop at once.
    if (userId) await this.users.forgetSession(userId);
  }

  async setPassword(token: string, password: string): Promise<Session> {
    const passwordHash = await this.hasher.hash(password);
    const userId = await this.users.setPasswordWithToken(token, passwordHash);
    if (!userId) {
      throw new InvalidInput('The set-password token is invalid, expired or already used', [
        { field: 'token', message: 'token is invalid, expired or already used' },
      ]);
    }
    await this.enrolments.activateInvited(userId); // setting the password is the first sign-in
    return this.sessionFor(userId);
  }

  private async sessionFor(userId: string): Promise<Session> {
    const user = await this.users.findSession(userId);
    if (!user) throw new Unauthenticated();
    const pair = await this.tokens.issue(user);
    return { ...pair, user: await this.userDto(userId) };
  }

  private async userDto(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new Unauthenticated();
    return UserDto.from(user);
  }
}
