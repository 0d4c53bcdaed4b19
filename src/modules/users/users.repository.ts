import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Batcher } from '../../common/batcher';
import { Keyset } from '../../common/pagination';
import { TransactionalRepository } from '../../common/transactional.repository';
import { REVOKED_SESSION_WINDOW_SECONDS } from '../auth/session-window';
import { User } from './entities/user.entity';
import type { Role } from './role';
import { Session, SessionCache } from './session-cache';

type SessionRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  is_active: boolean;
  token_version: number;
  revoked_sessions: string[];
};
const toSession = (row: SessionRow): Session => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  isActive: row.is_active,
  tokenVersion: row.token_version,
  revokedSessions: row.revoked_sessions,
});

export type UserWithPasswordFlag = User & { hasPassword: boolean };

@Injectable()
export class UsersRepository extends TransactionalRepository {
  /** Users changed inside each open transaction: their cached sessions are dropped once it ends. */
  private readonly changed = new WeakMap<EntityManager, Set<string>>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly sessions: SessionCache,
  ) {
    super(dataSource);
  }

  override async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const changed = new Set<string>();
    try {
      return await super.transaction((manager) => {
        this.changed.set(manager, changed);
        return work(manager);
      });
    } finally {
      await this.sessions.forget(changed);
    }
  }

  private query(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager)
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('(u.password_hash IS NOT NULL)', 'has_password');
  }

  private static withFlag(raw: { entities: User[]; raw: Array<{ has_password: boolean }> }): UserWithPasswordFlag[] {
    return raw.entities.map((user, i) => Object.assign(user, { hasPassword: raw.raw[i].has_password }));
  }

  async findById(id: string, manager?: EntityManager, lock = false): Promise<UserWithPasswordFlag | null> {
    const qb = this.query(manager).where('u.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['u']);
    return UsersRepository.withFlag(await qb.getRawAndEntities())[0] ?? null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { email: email.toLowerCase() } });
  }

  /** Includes the password hash, which is otherwise never selected. */
  findCredentials(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: email.toLowerCase() })
      .getOne();
  }

  async passwordHash(id: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    return row?.passwordHash ?? null;
  }

  /** The session check of the access-token guard: cached per process, see SessionCache. */
  cachedSession(id: string): Promise<Session | null> {
    return this.sessions.get(id, (userId) => this.findSession(userId));
  }

  /**
   * Session checks of requests arriving together share one statement. With the user come the
   * sign-in sessions revoked recently enough that their access tokens may not have expired yet
   * (auth's table and auth's window, read here to keep the hot path at one statement).
   */
  private readonly sessionReads = new Batcher<string, Session | null>(200, async (ids) => {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, u.role, u.is_active, u.token_version,
              ARRAY(SELECT s.id::text FROM auth_sessions s WHERE s.user_id = u.id AND s.revoked_at > now() - make_interval(secs => $2)) AS revoked_sessions
       FROM users u WHERE u.id = ANY($1::uuid[])`,
      [ids, REVOKED_SESSION_WINDOW_SECONDS],
    );
    const found = new Map(rows.map((row) => [row.id, toSession(row)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The user's session check read afresh (refresh, set-password, the queue dashboard). */
  findSession(id: string): Promise<Session | null> {
    return this.sessionReads.load(id);
  }

  async insert(manager: EntityManager, user: Partial<User>): Promise<User> {
    const result = await manager.getRepository(User).insert(user);
    return manager.getRepository(User).findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  /** Inside `transaction()` (cached sessions are forgotten once it commits) or outside any transaction. */
  async update(manager: EntityManager, id: string, changes: Partial<User>): Promise<void> {
    const changed = this.changed.get(manager);
    // Forgetting before someone else's transaction commits would let the old row be cached again.
    if (!changed && manager.queryRunner?.isTransactionActive)
      throw new Error('UsersRepository.update inside a transaction must run in UsersRepository.transaction');
    await manager.getRepository(User).update({ id }, changes);
    if (changed) changed.add(id);
    else await this.sessions.forget([id]);
  }

  /** After a session was revoked outside `transaction()` (logout, refresh-token reuse): every process re-reads the user's check. */
  forgetSession(userId: string): Promise<void> {
    return this.sessions.forget([userId]);
  }

  async touchLogin(id: string): Promise<void> {
    await this.dataSource.getRepository(User).update({ id }, { lastLoginAt: () => 'now()' });
  }

  /** Creates student accounts for unknown emails (set-based); returns the new users. */
  async insertMissingStudents(
    manager: EntityManager,
    users: Array<{ email: string; name: string }>,
  ): Promise<Array<{ id: string; email: string }>> {
    if (!users.length) return [];
    return manager.query(
      `INSERT INTO users (email, name, role) SELECT email, name, 'student' FROM unnest($1::text[], $2::text[]) AS u(email, name)
       ON CONFLICT (email) DO NOTHING RETURNING id, email`,
      [users.map((u) => u.email), users.map((u) => u.name)],
    );
  }

  byEmail(manager: EntityManager, emails: string[]): Promise<Array<{ id: string; email: string; is_active: boolean; role: Role }>> {
    return manager.query(`SELECT id, email, is_active, role FROM users WHERE email = ANY($1::text[])`, [emails]);
  }

  async list(filter: { role?: Role; q?: string }, after: Keyset | null, limit: number): Promise<UserWithPasswordFlag[]> {
    const qb = this.query();
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.email ILIKE :like OR u.name ILIKE :like)', { like });
    }
    if (after) qb.andWhere('(u.created_at, u.id) > (:at, :id)', { at: after.at, id: after.id });
    return UsersRepository.withFlag(
      await qb
        .orderBy('u.created_at', 'ASC')
        .addOrderBy('u.id', 'ASC')
        .limit(limit + 1)
        .getRawAndEntities(),
    );
  }
}
