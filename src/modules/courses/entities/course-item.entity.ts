import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { Material } from '../../materials/entities/material.entity';
import { CourseModule } from './course-module.entity';

export type CompletionRule = { type: 'view' } | { type: 'watch'; minPercent: number } | { type: 'mark_done' };

@Entity({ name: 'items' })
@Unique('items_module_position_unique', ['moduleId', 'position'], { deferrable: 'INITIALLY DEFERRED' })
@Index('items_material_idx', ['materialId'])
export class CourseItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'module_id', type: 'uuid' })
  moduleId: string;

  @ManyToOne(() => CourseModule, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'module_id' })
  module?: CourseModule;

  @Column({ name: 'material_id', type: 'uuid' })
  materialId: string;

  /** RESTRICT: a material in use cannot be deleted (the API answers 409 first). */
  @ManyToOne(() => Material, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'material_id' })
  material?: Material;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'boolean', default: true })
  required: boolean;

  @Column({ type: 'jsonb' })
  completion: CompletionRule;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
