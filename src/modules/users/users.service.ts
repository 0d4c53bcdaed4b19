import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound, TooManyRequests } from '../../common/errors';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { LoginThrottle } from '../auth/login-throttle';
import { SignInSessions } from '../auth/sign-in-sessions';
import { CreateUserDto, UpdateMeDto, UpdateUserDto, UserDto, UserQuery } from './dto/user.dto';
import { User } from './entities/user.entity';
import type { Role } from './role';
import { InvitationService } from './invitation.service';
import { PasswordHasher } from './password-hasher';
import { UsersRepository, UserWithPasswordFlag } from './users.repository';

/** At most one invitation (or reset link) per user in this many seconds: an admin's double click sends one email. */
export const INVITATION_RESEND_INTERVAL_SECONDS = 60;

const snapshot = (u: User) => ({ email: u.email, name: u.name, role: u.role, timezone: u.timezone, isActive: u.isActive });

export interface ActorContext {
  actorId: string | null;
  requestId?: string | null;
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly invitations: InvitationService,
    private readonly audit: AuditService,
    private readonly sessions: SignInSessions,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateUserDto, actor: ActorContext): Promise<UserDto> {
    if (await this.users.findByEmail(input.email)) throw new Conflict(`A user with the email ${input.email} already exists`, 'email-taken');
    const passwordHash = input.password ? await this.hasher.hash(input.password) : null;
    const { user, tokenId } = await this.users.transaction(async (manager) => {
      const user = await this.users.insert(manager, {
        email: input.email,
        name: input.name,
        role: input.role,
        timezone: input.timezone ?? 'UTC',
        passwordHash,
      });
      const tokenId = passwordHash ? null : await this.invitations.issue(manager, user.id);
      await this.audit.record(manager, { ...actor, action: 'user.created', entity: 'user', entityId: user.id, after: snapshot(user) });
      return { user, tokenId };
    });
    if (tokenId) await this.invitations.send(tokenId);
    this.logger.log({ userId: user.id, role: user.role, invited: Boolean(tokenId) }, 'user created');
    return UserDto.from({ ...user, hasPassword: Boolean(passwordHash) });
  }

  async list(query: UserQuery): Promise<Page<UserDto>> {
    const limit = pageLimit(query);
    const rows = await this.users.list({ role: query.role, q: query.q?.trim() || undefined }, decodeCursor(query.cursor), limit);
    return toPage(
      rows,
      limit,
      (u) => ({ at: u.createdAt.toISOString(), id: u.id }),
      (u) => UserDto.from(u),
    );
  }

  async get(id: string): Promise<UserDto> {
    return UserDto.from(await this.require(id));
  }

  async update(id: string, input: UpdateUserDto, actor: ActorContext): Promise<UserDto> {
    if (input.isActive === false || (input.role && input.role !== 'admin')) this.refuseSelfLockout(id, actor);
    const updated = await this.users.transaction(async (manager) => {
      const before = await this.requireLocked(id, manager);
      const changes: Partial<User> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (input.role !== undefined && input.role !== before.role) {
        changes.role = input.role;
      }
      if (input.isActive !== undefined && input.isActive !== before.isActive) {
        changes.isActive = input.isActive;
        changes.deactivatedAt = input.isActive ? null : this.clock.now();
        if (!input.isActive) changes.tokenVersion = (changes.tokenVersion ?? before.tokenVersion) + 1;
      }
      if (Object.keys(changes).length === 0) return before;
      await this.users.update(manager, id, changes);
      // Reactivation must not bring old sessions back: deactivation ends them for good.
      if (changes.isActive === false) await this.sessions.endAll(manager, id);
      const after = { ...before, ...changes } as UserWithPasswordFlag;
      const action =
        changes.isActive === false
          ? 'user.deactivated'
          : changes.isActive
            ? 'user.reactivated'
            : changes.role
              ? 'user.role_changed'
              : 'user.updated';
      await this.audit.record(manager, {
        ...actor,
        action,
        entity: 'user',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return UserDto.from(updated);
  }

  async deactivate(id: string, actor: ActorContext): Promise<void> {
    await this.update(id, { isActive: false }, actor);
  }

  /**
   * A fresh set-password link for a user who never set a password: older unused links stop working,
   * the invitation email is queued after commit. 409 when the user has a password or is deactivated.
   */
  async resendInvitation(id: string, actor: ActorContext): Promise<void> {
    const tokenId = await this.users.transaction(async (manager) => {
      // The user row lock serialises concurrent resends, so the interval check below holds.
      const user = await this.requireLocked(id, manager);
      if (!user.isActive) throw new Conflict('The user is deactivated; reactivate them before inviting again', 'user-deactivated');
      if (user.hasPassword) throw new Conflict('The user has already set a password; they can use "Forgot password"', 'already-has-password');
      const since = await this.invitations.secondsSinceLastIssued(manager, id);
      if (since !== null && since < INVITATION_RESEND_INTERVAL_SECONDS)
        throw new TooManyRequests('An invitation was sent to this user less than a minute ago', INVITATION_RESEND_INTERVAL_SECONDS - since);
      await this.invitations.expireUnused(manager, id);
      const tokenId = await this.invitations.issue(manager, id);
      await this.audit.record(manager, { ...actor, action: 'user.invitation_resent', entity: 'user', entityId: id });
      return tokenId;
    });
    await this.invitations.send(tokenId);
    this.logger.log({ userId: id }, 'invitation resent');
  }

  /** `from`: the signed-in caller's email and address, which the current-password check is throttled by. */
  async updateMe(id: string, input: UpdateMeDto, actor: ActorContext, from: { email: string; ip: string }): Promise<UserDto> {
    if (input.password !== undefined) {
      if (!input.currentPassword) {
        throw new InvalidInput('Changing the password requires currentPassword', [
          { field: 'currentPassword', message: 'currentPassword is required to change the password' },
        ]);
      }
      // Counted before the check, on sign-in's counters: an access token buys no unthrottled password guessing.
      await this.throttle.assertAllowed(from.email, from.ip);
      if (!(await this.hasher.verify(await this.users.passwordHash(id), input.currentPassword))) {
        throw new InvalidInput('The current password is incorrect', [
          { field: 'currentPassword', message: 'currentPassword is incorrect' },
        ]);
      }
      await this.throttle.recordSuccess(from.email, from.ip);
    } else if (input.currentPassword !== undefined) {
      throw new InvalidInput('currentPassword is only accepted together with password', [
        { field: 'currentPassword', message: 'currentPassword without password' },
      ]);
    }
    const passwordHash = input.password ? await this.hasher.hash(input.password) : undefined;
    const updated = await this.users.transaction(async (manager) => {
      const before = await this.requireLocked(id, manager);
      const changes: Partial<User> = {};
      if (input.name !== undefined) changes.name = input.name;
      if (input.timezone !== undefined) changes.timezone = input.timezone;
      if (passwordHash) {
        changes.passwordHash = passwordHash;
        changes.tokenVersion = before.tokenVersion + 1;
      }
      if (Object.keys(changes).length === 0) return before;
      await this.users.update(manager, id, changes);
      // A new password ends every session, this one included (whoever knew the old one may hold one): sign in again.
      if (passwordHash) await this.sessions.endAll(manager, id);
      const after = { ...before, ...changes, hasPassword: before.hasPassword || Boolean(passwordHash) } as UserWithPasswordFlag;
      await this.audit.record(manager, {
        ...actor,
        action: passwordHash ? 'user.password_changed' : 'user.updated',
        entity: 'user',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return UserDto.from(updated);
  }

  /** Creates the user if no account has this email; never changes an existing one. Returns whether it created. */
  async ensure(input: { email: string; name: string; role: Role; password: string; timezone?: string }): Promise<boolean> {
    const email = input.email.toLowerCase();
    if (await this.users.findByEmail(email)) return false;
    const passwordHash = await this.hasher.hash(input.password);
    try {
      await this.users.transaction(async (manager) => {
        const user = await this.users.insert(manager, {
          email,
          name: input.name,
          role: input.role,
          timezone: input.timezone ?? 'UTC',
          passwordHash,
        });
        await this.audit.record(manager, {
          actorId: null,
          action: 'user.created',
          entity: 'user',
          entityId: user.id,
          after: snapshot(user),
        });
      });
      return true;
    } catch (error) {
      // Another process (a second API starting at once) created it first.
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  }

  private refuseSelfLockout(id: string, actor: ActorContext): void {
    if (actor.actorId === id) throw new Conflict('Admins cannot deactivate or demote themselves; ask another admin', 'self-lockout');
  }

  private async require(id: string): Promise<UserWithPasswordFlag> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFound('User');
    return user;
  }

  private async requireLocked(id: string, manager: Parameters<UsersRepository['findById']>[1]): Promise<UserWithPasswordFlag> {
    const user = await this.users.findById(id, manager, true);
    if (!user) throw new NotFound('User');
    return user;
  }
}
