import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, Unique } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/**
 * A user's calendar feed. The live token is never stored: it is an HMAC of `id` (the feed's
 * generation, replaced by a rotation) under JWT_SECRET; `tokenHash` (SHA-256) finds the feed.
 */
@Entity({ name: 'calendar_feeds' })
@Unique('calendar_feeds_token_hash_key', ['tokenHash'])
export class CalendarFeed {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_calendar_feeds_user' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_calendar_feeds_user' })
  user?: User;

  @Column({ type: 'uuid' })
  id: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
