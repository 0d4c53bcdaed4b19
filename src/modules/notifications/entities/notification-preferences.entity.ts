import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import type { SlotFrequency } from '../email-slots';
import { DEFAULT_QUIET_HOURS } from '../quiet-hours';

/** Per-user email choices; a missing row means the defaults (everything on, quiet 21:00–08:00, at-risk alerts weekly on Monday at 08:00). */
@Entity({ name: 'notification_preferences' })
export class NotificationPreferences {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'boolean', default: true })
  welcome: boolean;

  @Column({ type: 'boolean', default: true })
  assignment: boolean;

  @Column({ name: 'due_soon', type: 'boolean', default: true })
  dueSoon: boolean;

  @Column({ type: 'boolean', default: true })
  overdue: boolean;

  @Column({ type: 'boolean', default: true })
  inactivity: boolean;

  /** "HH:MM" in the user's timezone; both null = no quiet hours. */
  @Column({ name: 'quiet_start', type: 'varchar', length: 5, nullable: true, default: DEFAULT_QUIET_HOURS.start })
  quietStart: string | null;

  @Column({ name: 'quiet_end', type: 'varchar', length: 5, nullable: true, default: DEFAULT_QUIET_HOURS.end })
  quietEnd: string | null;

  /** Instructors' at-risk alerts: off, daily or weekly at `at_risk_hour`:00 (and ISO `at_risk_weekday`) in the user's zone. */
  @Column({ name: 'at_risk_frequency', type: 'varchar', length: 8, default: 'weekly' })
  atRiskFrequency: SlotFrequency;

  @Column({ name: 'at_risk_hour', type: 'smallint', default: 8 })
  atRiskHour: number;

  @Column({ name: 'at_risk_weekday', type: 'smallint', default: 1 })
  atRiskWeekday: number;

  /** Which reasons the alert lists: inactive with work left, overdue assignments, far behind the cohort's median. */
  @Column({ name: 'at_risk_inactive', type: 'boolean', default: true })
  atRiskInactive: boolean;

  @Column({ name: 'at_risk_overdue', type: 'boolean', default: true })
  atRiskOverdue: boolean;

  @Column({ name: 'at_risk_behind', type: 'boolean', default: true })
  atRiskBehind: boolean;
  /** `off`, `daily` or `weekly`: with a digest, assignment, due-soon, overdue and inactivity emails wait for it. */
  @Column({ name: 'digest_frequency', type: 'varchar', length: 8, default: 'off' })
  digestFrequency: SlotFrequency;

  /** The digest's local hour (0–23) in the user's timezone. */
  @Column({ name: 'digest_hour', type: 'smallint', default: 7 })
  digestHour: number;

  /** A weekly digest's ISO weekday, 1 (Monday) – 7 (Sunday). */
  @Column({ name: 'digest_weekday', type: 'smallint', default: 1 })
  digestWeekday: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
