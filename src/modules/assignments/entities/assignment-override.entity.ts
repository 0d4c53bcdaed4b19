import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Enrolment } from '../../enrolments/entities/enrolment.entity';
import { Assignment } from './assignment.entity';

/** A per-student due date that beats the assignment's own. */
@Entity({ name: 'assignment_overrides' })
@Index('assignment_overrides_enrolment_idx', ['enrolmentId'])
export class AssignmentOverride {
  @PrimaryColumn({ name: 'assignment_id', type: 'uuid' })
  assignmentId: string;

  @PrimaryColumn({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Assignment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: Assignment;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id' })
  enrolment?: Enrolment;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
