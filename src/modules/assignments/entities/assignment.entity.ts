import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { CourseModule } from '../../courses/entities/course-module.entity';
import { Course } from '../../courses/entities/course.entity';
import { Cohort } from '../../enrolments/entities/cohort.entity';

export const TARGET_TYPES = ['course', 'cohort', 'enrolments'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** A module assigned with a due date. Who it applies to is resolved when read (cohorts change). */
@Entity({ name: 'assignments' })
@Index('assignments_course_idx', ['courseId', 'createdAt', 'id'])
@Index('assignments_module_idx', ['moduleId'])
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ name: 'module_id', type: 'uuid' })
  moduleId: string;

  @ManyToOne(() => CourseModule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'module_id' })
  module?: CourseModule;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'target_type', type: 'varchar', length: 16 })
  targetType: TargetType;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId: string | null;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Cohort;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** Counts changes of its due dates (reschedule, override set or removed, cancel): the calendar feed's SEQUENCE. */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
