import { Module } from '@nestjs/common';
import { LoginThrottle } from './login-throttle';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SignInSessions } from './sign-in-sessions';

/**
 * The part of auth the users module needs (a password change or deactivation ends the user's
 * sessions; a password change checks the current password under the sign-in throttle), apart
 * from AuthModule, which imports UsersModule: no cycle. Other modules use SignInSessions and
 * LoginThrottle; RefreshTokensRepository is exported for AuthModule only.
 */
@Module({
  providers: [RefreshTokensRepository, SignInSessions, LoginThrottle],
  exports: [RefreshTokensRepository, SignInSessions, LoginThrottle],
})
export class SignInModule {}
