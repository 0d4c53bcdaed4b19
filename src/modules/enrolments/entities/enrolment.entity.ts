import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Course } from '../../courses/entities/course.entity';
import { User } from '../../users/entities/user.entity';
import { Cohort } from './cohort.entity';

export const ENROLMENT_STATUSES = ['invited', 'active', 'completed', 'dropped'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

@Entity({ name: 'enrolments' })
@Index('enrolments_course_user_unique', ['courseId', 'userId'], { unique: true })
@Index('enrolments_user_idx', ['userId'])
@Index('enrolments_course_created_idx', ['courseId', 'createdAt', 'id'])
@Index('enrolments_cohort_idx', ['cohortId'])
@Index('enrolments_course_percent_idx', ['courseId', 'progressPercent', 'id'])
@Index('enrolments_course_activity_idx', { synchronize: false }) // (course_id, COALESCE(last_activity_at, 'epoch'), id): the report's sort by lastActivityAt
export class Enrolment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Cohort;

  @Column({ type: 'varchar', length: 16, default: 'invited' })
  status: EnrolmentStatus;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'dropped_at', type: 'timestamptz', nullable: true })
  droppedAt: Date | null;

  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt: Date | null;

  /** Counter kept by progress ingestion: required items completed (the report reads it, never aggregates). */
  @Column({ name: 'completed_required', type: 'integer', default: 0 })
  completedRequired: number;

  /** Counter kept by progress ingestion: 0–100 over the course's required items. */
  @Column({ name: 'progress_percent', type: 'double precision', default: 0 })
  progressPercent: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
