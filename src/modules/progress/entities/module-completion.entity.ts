import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A module whose required items an enrolment has all completed (items never un-complete). */
@Entity({ name: 'module_completions' })
@Index('module_completions_module_idx', ['moduleId'])
export class ModuleCompletion {
  @PrimaryColumn({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @PrimaryColumn({ name: 'module_id', type: 'uuid' })
  moduleId: string;

  @Column({ name: 'completed_at', type: 'timestamptz' })
  completedAt: Date;
}
