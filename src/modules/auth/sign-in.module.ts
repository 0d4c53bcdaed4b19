import { Module } from '@nestjs/common';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SignInSessions } from './sign-in-sessions';

/**
 * The part of auth the users module needs (a password change or deactivation ends the user's
 * sessions), apart from AuthModule, which imports UsersModule: no cycle. Other modules use
 * SignInSessions; RefreshTokensRepository is exported for AuthModule only.
 */
@Module({
  providers: [RefreshTokensRepository, SignInSessions],
  exports: [RefreshTokensRepository, SignInSessions],
})
export class SignInModule {}
