import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { RefreshToken } from './entities/refresh-token.entity';

type NewToken = Pick<RefreshToken, 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>;

/** Sign-in sessions (auth_sessions) and the refresh tokens each rotates through. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A new sign-in: its session row and first refresh token, in one statement. */
  async startSession(token: NewToken, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `WITH session AS (INSERT INTO auth_sessions (id, user_id) VALUES ($3, $2))
       INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [token.id, token.userId, token.familyId, token.tokenHash, token.expiresAt],
    );
  }

  async insert(token: NewToken, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.getRepository(RefreshToken).insert(token);
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.dataSource.getRepository(RefreshToken).findOne({ where: { tokenHash } });
  }

  /**
   * Holds the session against revocation until the transaction ends and says whether it is live:
   * a refresh and a logout of one session take turns, so no token is issued to a revoked session.
   */
  async lockLiveSession(manager: EntityManager, sessionId: string): Promise<boolean> {
    const rows: Array<{ revoked_at: Date | null }> = await manager.query('SELECT revoked_at FROM auth_sessions WHERE id = $1 FOR SHARE', [sessionId]);
    return rows.length === 1 && rows[0].revoked_at === null;
  }

  /** Spends the token if it is still fresh; false when another request spent it first. */
  async spend(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .getRepository(RefreshToken)
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where({ id, usedAt: IsNull(), revokedAt: IsNull() })
      .andWhere('expires_at > now()')
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Revokes the session and its refresh tokens; answers its user when this call revoked it, else null. */
  revokeSession(sessionId: string): Promise<string | null> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE as [rows, affected].
      const [rows]: [Array<{ user_id: string }>, number] = await manager.query(
        'UPDATE auth_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING user_id',
        [sessionId],
      );
      // A separate statement after the session's row lock: it sees tokens a racing refresh committed.
      await manager.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [sessionId]);
      return rows[0]?.user_id ?? null;
    });
  }

  /** A session check that does not depend on token lifetimes (the queue dashboard's 30-minute cookie). */
  async isSessionLive(userId: string, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [sessionId, userId]);
    return rows.length === 1;
  }
}
