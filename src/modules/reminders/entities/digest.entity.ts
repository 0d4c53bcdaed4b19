import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

export const DIGEST_STATUSES = ['pending', 'sending', 'sent', 'empty', 'released', 'failed'] as const;
export type DigestStatus = (typeof DIGEST_STATUSES)[number];

/**
 * One digest email of one user for one slot (the local hour it belongs to): the unique
 * (user, slot) makes it exist once however many workers hold reminders for it. Held reminders
 * point at it (`reminders.digest_id`, status `held`) and end `skipped` with reason `digested`
 * when it goes out. Sent at most once like a reminder: claimed with a lease, composed once, the
 * same Message-ID (`<digest-<id>@accord>`) on a retry.
 */
@Entity({ name: 'digests' })
@Index('digests_user_slot_unique', ['userId', 'slotAt'], { unique: true })
@Index('digests_due_idx', ['status', 'scheduledFor'])
export class Digest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The slot (the user's chosen local hour) this digest is for: its identity. */
  @Column({ name: 'slot_at', type: 'timestamptz' })
  slotAt: Date;

  /** When it may go out: the slot, or the end of quiet hours it fell in. */
  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor: Date;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DigestStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'message_id', type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  /** The composed email (links carrying a token stored as markers), so a retry sends exactly this. */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText: string | null;

  @Column({ name: 'body_html', type: 'text', nullable: true })
  bodyHtml: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
