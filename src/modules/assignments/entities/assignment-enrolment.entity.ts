import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Enrolment } from '../../enrolments/entities/enrolment.entity';
import { Assignment } from './assignment.entity';

/** The enrolments of an assignment whose target is a list of enrolments. */
@Entity({ name: 'assignment_enrolments' })
@Index('assignment_enrolments_enrolment_idx', ['enrolmentId'])
export class AssignmentEnrolment {
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
}
