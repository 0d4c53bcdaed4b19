import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

export const AT_RISK_ALERT_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;
export type AtRiskAlertStatus = (typeof AT_RISK_ALERT_STATUSES)[number];

/**
 * One instructor's at-risk students alert for one slot (their local hour, daily or weekly). The
 * unique (user, slot) makes the slot exist once however many workers plan it; a sender claims the
 * row (pending → sending, with a lease) before it sends, so two workers never both send, and a
 * crashed sender's lease expires so the slot is not lost.
 */
@Entity({ name: 'at_risk_alerts' })
@Index('at_risk_alerts_slot_unique', ['userId', 'slotAt'], { unique: true })
@Index('at_risk_alerts_due_idx', ['status', 'slotAt'])
export class AtRiskAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'slot_at', type: 'timestamptz' })
  slotAt: Date;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: AtRiskAlertStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** While `sending`: until when the sender holds it. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'skip_reason', type: 'varchar', length: 32, nullable: true })
  skipReason: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** How many students the sent alert listed. */
  @Column({ name: 'student_count', type: 'integer', nullable: true })
  studentCount: number | null;

  @Column({ name: 'message_id', type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
