import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock } from '../../common/clock';
import { sha256 } from '../../common/hash';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { PasswordToken } from './entities/password-token.entity';
import { InvitationJobData, MailJob, QueueName } from '../jobs/queues';

/**
 * Set-password (invitation) tokens. A token is `<id>.<hmac(id)>`: the worker can rebuild the
 * link from the id a job carries, and the database holds only its hash.
 */
@Injectable()
export class InvitationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Mail) private readonly mailQueue: Queue<InvitationJobData>,
    private readonly clock: Clock,
  ) {}

  tokenFor(id: string): string {
    const mac = createHmac('sha256', this.config.auth.jwtSecret).update(`set-password:${id}`).digest('base64url');
    return `${id}.${mac}`;
  }

  linkFor(id: string): string {
    return `${this.config.publicUrl}/set-password?token=${encodeURIComponent(this.tokenFor(id))}`;
  }

  /** The link of a password-reset email: the same set-password page, told it is a reset. */
  resetLinkFor(id: string): string {
    return `${this.linkFor(id)}&reset=1`;
  }

  /** Writes the token row inside the caller's transaction; returns its id. */
  async issue(manager: EntityManager, userId: string): Promise<string> {
    const id = randomUUID();
    await manager.getRepository(PasswordToken).insert({
      id,
      userId,
      tokenHash: sha256(this.tokenFor(id)),
      expiresAt: new Date(this.clock.now().getTime() + this.config.auth.inviteTtlHours * 3600_000),
    });
    return id;
  }

  /**
   * Inside the caller's transaction: a password-reset token (PASSWORD_RESET_TTL_MINUTES), after
   * ending every unused token of the user, so only the newest link works. Returns its id.
   */
  async issueReset(manager: EntityManager, userId: string): Promise<string> {
    await this.expireUnused(manager, userId);
    const id = randomUUID();
    await manager.getRepository(PasswordToken).insert({
      id,
      userId,
      tokenHash: sha256(this.tokenFor(id)),
      expiresAt: new Date(this.clock.now().getTime() + this.config.auth.passwordResetTtlMinutes * 60_000),
    });
    return id;
  }

  /** Inside the caller's transaction: the user's unused tokens stop working (they expire now; used ones keep their record). */
  async expireUnused(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE password_tokens SET expires_at = now() WHERE user_id = $1 AND used_at IS NULL AND expires_at > now()`, [
      userId,
    ]);
  }

  /** Inside the caller's transaction: seconds since the user's newest token (of any kind) was issued, or null when none. */
  async secondsSinceLastIssued(manager: EntityManager, userId: string): Promise<number | null> {
    const [row] = (await manager.query(
      `SELECT extract(epoch FROM now() - max(created_at))::float8 AS seconds FROM password_tokens WHERE user_id = $1`,
      [userId],
    )) as Array<{ seconds: number | null }>;
    return row?.seconds ?? null;
  }

  /** Set-based variant for bulk imports: one token per user, written in one statement. */
  async issueMany(manager: EntityManager, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    const expires = new Date(this.clock.now().getTime() + this.config.auth.inviteTtlHours * 3600_000);
    const ids = userIds.map(() => randomUUID());
    await manager.query(
      `INSERT INTO password_tokens (id, user_id, token_hash, expires_at) SELECT id, user_id, token_hash, $4 FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, user_id, token_hash)`,
      [ids, userIds, ids.map((id) => sha256(this.tokenFor(id))), expires],
    );
  }

  /** After commit: queue the email. The job id is deterministic, so a retry never queues it twice. */
  async send(passwordTokenId: string): Promise<void> {
    await this.mailQueue.add(MailJob.Invitation, { passwordTokenId }, { jobId: `invitation-${passwordTokenId}` });
  }

  /** After commit: queue the password-reset email (deterministic job id, like invitations). */
  async sendReset(passwordTokenId: string): Promise<void> {
    await this.mailQueue.add(MailJob.PasswordReset, { passwordTokenId }, { jobId: `password-reset-${passwordTokenId}` });
  }

  /** Marks the token used (once, atomically) and returns its user id, or null when invalid, used or expired. */
  async consume(manager: EntityManager, token: string): Promise<string | null> {
    const [id, mac] = token.split('.');
    if (!id || !mac || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    const expected = Buffer.from(this.tokenFor(id));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const result = await manager
      .getRepository(PasswordToken)
      .createQueryBuilder()
      .update()
      .set({ usedAt: () => 'now()' })
      .where({ id, tokenHash: sha256(token), usedAt: IsNull() })
      .andWhere('expires_at > now()')
      .returning('user_id')
      .execute();
    const row = (result.raw as Array<{ user_id: string }>)[0];
    return row?.user_id ?? null;
  }

  /** The newest usable set-password token of the user, or a new one (for welcome emails). */
  async usableTokenFor(userId: string): Promise<string> {
    const existing = await this.dataSource
      .getRepository(PasswordToken)
      .createQueryBuilder('t')
      .where('t.user_id = :userId AND t.used_at IS NULL AND t.expires_at > now()', { userId })
      .orderBy('t.created_at', 'DESC')
      .getOne();
    return existing?.id ?? this.dataSource.transaction((manager) => this.issue(manager, userId));
  }

  /** For the mail worker: the token row if it is still usable. */
  findUsable(id: string): Promise<PasswordToken | null> {
    return this.dataSource
      .getRepository(PasswordToken)
      .createQueryBuilder('t')
      .where('t.id = :id AND t.used_at IS NULL AND t.expires_at > now()', { id })
      .getOne();
  }
}
