import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/**
 * One sign-in: the family of refresh tokens it rotates through, the access tokens issued to it
 * (their `sid` claim) and a queue-dashboard cookie opened from it. Revoking it ends all of them.
 */
@Entity({ name: 'auth_sessions' })
@Index('auth_sessions_user_revoked_idx', ['userId', 'revokedAt'])
export class AuthSession {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
