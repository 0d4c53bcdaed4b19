import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const MATERIAL_KINDS = ['video', 'case_study', 'role_play', 'article', 'teaching_note', 'book'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

@Entity({ name: 'materials' })
@Index('materials_created_idx', ['createdAt', 'id'])
@Index('materials_search_idx', { synchronize: false })
@Index('materials_tags_idx', { synchronize: false })
export class Material {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('materials_slug_unique', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  slug: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'varchar', length: 32 })
  kind: MaterialKind;

  @Column({ type: 'text', default: '' })
  summary: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** A WebVTT captions track for the player, beside `url`. */
  @Column({ name: 'captions_url', type: 'varchar', length: 2000, nullable: true })
  captionsUrl: string | null;

  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  durationSeconds: number | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  authors: string[];

  /** Normalised: lower case, trimmed, unique. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ name: 'published_at', type: 'date', nullable: true })
  publishedAt: string | null;

  /**
   * Weighted full-text document (title A; tags, summary B; authors C), kept by the
   * `materials_search_refresh` trigger and GIN-indexed; both are in the Catalogue migration.
   */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  search?: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
