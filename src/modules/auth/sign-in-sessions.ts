import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** What other modules may do to sign-in sessions (auth owns `auth_sessions` and `refresh_tokens`). */
@Injectable()
export class SignInSessions {
  constructor(private readonly sessions: RefreshTokensRepository) {}

  /**
   * Ends every session of the user that may still have a live token (deactivation, password
   * change). Call inside UsersRepository.transaction() after the update that bumps the token
   * version, so every API process forgets the user's cached session check once it commits.
   */
  endAll(manager: EntityManager, userId: string): Promise<void> {
    return this.sessions.revokeUserSessions(manager, userId);
  }
}
