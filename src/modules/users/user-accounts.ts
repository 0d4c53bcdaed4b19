import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SignInSessions } from '../auth/sign-in-sessions';
import { InvitationService } from './invitation.service';
import type { Role } from './role';
import { Session } from './session-cache';
import { UsersRepository, UserWithPasswordFlag } from './users.repository';

export type UserAccount = UserWithPasswordFlag;
export type { Session };

/**
 * What other modules may ask of user accounts (sign-in, session checks, enrolment of students):
 * the users module's tables are read and written here, never by another module's repository.
 */
@Injectable()
export class UserAccounts {
  constructor(
    private readonly users: UsersRepository,
    private readonly invitations: InvitationService,
    private readonly sessions: SignInSessions,
    private readonly audit: AuditService,
  ) {}

  findById(id: string, manager?: EntityManager): Promise<UserAccount | null> {
    return this.users.findById(id, manager);
  }

  findByEmail(email: string): Promise<Omit<UserAccount, 'hasPassword'> | null> {
    return this.users.findByEmail(email);
  }

  /** Includes the password hash, which is otherwise never selected. */
  findCredentials(email: string): Promise<Omit<UserAccount, 'hasPassword'> | null> {
    return this.users.findCredentials(email);
  }

  async touchLogin(id: string): Promise<void> {
    await this.users.touchLogin(id);
  }

  /** The access-token guard's session check, cached per process. */
  cachedSession(id: string): Promise<Session | null> {
    return this.users.cachedSession(id);
  }

  /** The session check read afresh (refresh, set-password, the queue dashboard). */
  findSession(id: string): Promise<Session | null> {
    return this.users.findSession(id);
  }

  /** After a session was revoked (logout, refresh-token reuse): every process re-reads the user's check. */
  forgetSession(userId: string): Promise<void> {
    return this.users.forgetSession(userId);
  }

  /**
   * Consumes a set-password token and sets the password, ending every sign-in session of the
   * user, audited, in one transaction. Returns the user id, or null when the token or the user is not valid.
   */
  setPasswordWithToken(token: string, passwordHash: string): Promise<string | null> {
    return this.users.transaction(async (manager) => {
      const id = await this.invitations.consume(manager, token);
      if (!id) return null;
      const user = await this.users.findById(id, manager, true);
      if (!user?.isActive) return null;
      await this.users.update(manager, id, { passwordHash, tokenVersion: user.tokenVersion + 1 });
      await this.invitations.expireUnused(manager, id); // an older invitation or reset link must not set it again
      await this.sessions.endAll(manager, id);
      await this.audit.record(manager, { actorId: id, action: 'user.password_set', entity: 'user', entityId: id });
      return id;
    });
  }

  /**
   * A password-reset token for the active account with this email (invited ones included: the
   * link lets them choose their first password), queued for mailing; nothing for an unknown or
   * deactivated email. Returns the token id, or null. The caller answers the same either way.
   */
  async startPasswordReset(email: string): Promise<string | null> {
    const user = await this.users.findByEmail(email);
    if (!user?.isActive) return null;
    const id = await this.users.transaction(async (manager) => {
      const tokenId = await this.invitations.issueReset(manager, user.id);
      await this.audit.record(manager, { actorId: null, action: 'user.password_reset_requested', entity: 'user', entityId: user.id });
      return tokenId;
    });
    await this.invitations.sendReset(id);
    return id;
  }

  /**
   * Inside the caller's transaction: student accounts for the emails that have none, each with a
   * set-password token (set-based, for bulk imports). Returns the created users.
   */
  async inviteStudents(
    manager: EntityManager,
    users: Array<{ email: string; name: string }>,
  ): Promise<Array<{ id: string; email: string }>> {
    const created = await this.users.insertMissingStudents(manager, users);
    await this.invitations.issueMany(
      manager,
      created.map((u) => u.id),
    );
    return created;
  }

  byEmail(manager: EntityManager, emails: string[]): Promise<Array<{ id: string; email: string; is_active: boolean; role: Role }>> {
    return this.users.byEmail(manager, emails);
  }
}
