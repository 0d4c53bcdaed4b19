import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { Course } from './course.entity';

/** A module of a course. Positions are dense (0..n-1) and unique per course; the check is deferred so a reorder is one statement. */
@Entity({ name: 'modules' })
@Unique('modules_course_position_unique', ['courseId', 'position'], { deferrable: 'INITIALLY DEFERRED' })
export class CourseModule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'unlock_at', type: 'timestamptz', nullable: true })
  unlockAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
