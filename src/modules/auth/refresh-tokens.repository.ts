import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionalRepository } from '../../common/transactional.repository';
import { RefreshToken } from './entities/refresh-token.entity';
import { CLOCK_SKEW_SECONDS, REVOKED_SESSION_WINDOW_SECONDS } from './session-window';

/**
 * How long after a refresh token was spent a second use of it is taken for two requests racing,
 * answered 401 without ending the session; after that, its return means a copy: the session ends.
 */
export const REFRESH_RACE_GRACE_SECONDS = 10;

/**
 * A session (alias s) that may still have an unexpired token: one started within the longest
 * access-token lifetime, or one with a refresh token not yet expired. Every access token expires
 * before the refresh token issued with it (REFRESH_TTL_DAYS is at least the longest access-token
 * lifetime, one day), so a session whose refresh tokens have all expired has no live token.
 * $2: REVOKED_SESSION_WINDOW_SECONDS, $3: CLOCK_SKEW_SECONDS.
 */
const MAY_HAVE_LIVE_TOKENS = `(s.created_at > now() - make_interval(secs => $2)
  OR EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = s.id AND r.expires_at > now() - make_interval(secs => $3)))`;

type NewToken = Pick<RefreshToken, 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>;

/** Sign-in sessions (auth_sessions) and the refresh tokens each rotates through. */
@Injectable()
export class RefreshTokensRepository extends TransactionalRepository {
  /**
   * A new sign-in: its session row and first refresh token, in one statement, which also prunes
   * the user's sessions that are over: revoked longer ago than any of their tokens can live, or
   * never revoked but with every token expired (their refresh tokens go with them, by cascade).
   */
  async startSession(token: NewToken, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `WITH pruned AS (
         DELETE FROM auth_sessions s WHERE s.user_id = $5
           AND (s.revoked_at < now() - make_interval(secs => $2) OR (s.revoked_at IS NULL AND NOT ${MAY_HAVE_LIVE_TOKENS}))
       ), session AS (INSERT INTO auth_sessions (id, user_id) VALUES ($4, $5))
       INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1, $5, $4, $6, $7)`,
      [token.id, REVOKED_SESSION_WINDOW_SECONDS, CLOCK_SKEW_SECONDS, token.familyId, token.userId, token.tokenHash, token.expiresAt],
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
    const rows: Array<{ revoked_at: Date | null }> = await manager.query('SELECT revoked_at FROM auth_sessions WHERE id = $1 FOR SHARE', [
      sessionId,
    ]);
    return rows.length === 1 && rows[0].revoked_at === null;
  }

  /**
   * Spends the token if it is still fresh. If not: `raced` when a refresh spent it within the last
   * REFRESH_RACE_GRACE_SECONDS (two tabs, a retry after a lost answer), `reused` when it was spent
   * before that (a copy came back), `refused` when it was never spent (it expired meanwhile).
   */
  async spend(manager: EntityManager, id: string): Promise<'spent' | 'raced' | 'reused' | 'refused'> {
    const [spent]: [unknown[], number] = await manager.query(
      'UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING id',
      [id],
    );
    if (spent.length === 1) return 'spent';
    // A statement of its own: it sees the spend that a racing refresh committed while this one waited.
    const rows: Array<{ raced: boolean | null }> = await manager.query(
      'SELECT used_at > now() - make_interval(secs => $2) AS raced FROM refresh_tokens WHERE id = $1',
      [id, REFRESH_RACE_GRACE_SECONDS],
    );
    const raced = rows[0]?.raced;
    return raced === true ? 'raced' : raced === false ? 'reused' : 'refused';
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

  /**
   * Ends every sign-in session of the user that may still have a live token (deactivation,
   * password change): its refresh tokens, access tokens and dashboard cookie. Sessions that are
   * over are left as they are: stamping them would only lengthen the per-request session check.
   * Runs in the caller's transaction, the one that bumps the user's token version.
   */
  async revokeUserSessions(manager: EntityManager, userId: string): Promise<void> {
    const [sessions]: [Array<{ id: string }>, number] = await manager.query(
      `UPDATE auth_sessions s SET revoked_at = now() WHERE s.user_id = $1 AND s.revoked_at IS NULL AND ${MAY_HAVE_LIVE_TOKENS} RETURNING s.id`,
      [userId, REVOKED_SESSION_WINDOW_SECONDS, CLOCK_SKEW_SECONDS],
    );
    if (!sessions.length) return;
    // A statement of its own, after the sessions' row locks: it sees tokens a racing refresh committed.
    await manager.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ANY($1::uuid[]) AND revoked_at IS NULL', [
      sessions.map((row) => row.id),
    ]);
  }

  /** A session check that does not depend on token lifetimes (the queue dashboard's 30-minute cookie). */
  async isSessionLive(userId: string, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [sessionId, userId],
    );
    return rows.length === 1;
  }
}
