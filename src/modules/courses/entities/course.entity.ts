import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export interface ReminderPolicy {
  dueSoonMinutesBefore: number;
  overdueMinutesAfter: number;
  inactivityDays: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 };

@Entity({ name: 'courses' })
@Index('courses_created_idx', ['createdAt', 'id'])
export class Course {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('courses_slug_unique', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  slug: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: CourseStatus;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ name: 'reminder_policy', type: 'jsonb' })
  reminderPolicy: ReminderPolicy;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /**
   * Bumped by database triggers whenever the course's modules, items or prerequisites change:
   * API processes cache the structure per version (see CourseStructureCache).
   */
  @Column({ name: 'structure_version', type: 'integer', default: 0, select: false, insert: false, update: false })
  structureVersion?: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
