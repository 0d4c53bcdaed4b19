import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Enrolment } from '../../enrolments/entities/enrolment.entity';
import { User } from '../../users/entities/user.entity';
import { ReminderKind } from '../reminder-kinds';

export { REMINDER_KINDS, type ReminderKind } from '../reminder-kinds';

export const REMINDER_STATUSES = ['scheduled', 'queued', 'sending', 'held', 'sent', 'skipped', 'cancelled', 'failed'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * One email that should go out once. PostgreSQL is the source of truth; BullMQ only carries the id.
 * `dedupeKey` makes it exist once (e.g. `welcome:<enrolmentId>`), whoever writes it and however often;
 * its unique index leads with the enrolment, so it also serves lookups by enrolment.
 *
 * Written tens of thousands at a time (a course-wide assignment), so the table keeps few indexes
 * and no per-row foreign keys: triggers (migration ReminderFanOut) check once per statement that
 * each row names an enrolment and that enrolment's user, and cascade deletions of enrolments (and
 * so of users) here.
 */
@Entity({ name: 'reminders' })
@Index('reminders_due_idx', ['status', 'scheduledFor'])
@Index('reminders_dedupe_unique', ['enrolmentId', 'dedupeKey'], { unique: true })
@Index('reminders_assignment_idx', ['assignmentId'])
@Index('reminders_created_idx', ['createdAt', 'id'])
// Retention (migration ScaleIndexes): (updated_at) of sent/skipped/cancelled rows, and of those that still have a body.
@Index('reminders_finished_idx', { synchronize: false })
@Index('reminders_finished_body_idx', { synchronize: false })
@Index('reminders_digest_idx', ['digestId'], { where: 'digest_id IS NOT NULL' })
export class Reminder {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReminderKind;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'enrolment_id' })
  enrolment?: Enrolment;

  @Column({ name: 'assignment_id', type: 'uuid', nullable: true })
  assignmentId: string | null;

  /** While `held` (and after): the digest that carries it instead of an email of its own. */
  @Column({ name: 'digest_id', type: 'uuid', nullable: true })
  digestId: string | null;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor: Date;

  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  status: ReminderStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'skip_reason', type: 'varchar', length: 32, nullable: true })
  skipReason: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'message_id', type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  /** While `sending`: until when the sender holds it. A crashed sender's claim expires. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  /**
   * The rendered email, composed once; every retry sends exactly this (same Message-ID), except
   * that links carrying a token (unsubscribe, set-password) are stored as markers and made at send time.
   */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText: string | null;

  @Column({ name: 'body_html', type: 'text', nullable: true })
  bodyHtml: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
