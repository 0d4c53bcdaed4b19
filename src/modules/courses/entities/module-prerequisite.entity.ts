import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CourseModule } from './course-module.entity';

/** `moduleId` stays locked until `prerequisiteId` is completed. */
@Entity({ name: 'module_prerequisites' })
@Index('module_prerequisites_prereq_idx', ['prerequisiteId'])
export class ModulePrerequisite {
  @PrimaryColumn({ name: 'module_id', type: 'uuid' })
  moduleId: string;

  @PrimaryColumn({ name: 'prerequisite_id', type: 'uuid' })
  prerequisiteId: string;

  @ManyToOne(() => CourseModule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'module_id' })
  module?: CourseModule;

  @ManyToOne(() => CourseModule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'prerequisite_id' })
  prerequisite?: CourseModule;
}
