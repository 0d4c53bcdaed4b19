import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export { EVENT_TYPES } from './progress-event.entity';
export type { EventType } from './progress-event.entity';

export const ITEM_STATES = ['not_started', 'in_progress', 'completed'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/**
 * Derived state of one item for one enrolment. Monotone: percent only grows, watched segments
 * only accumulate, a completed item stays completed; the resume position is the latest one.
 */
@Entity({ name: 'item_progress' })
@Index('item_progress_item_idx', ['itemId'])
@Index('item_progress_self_reported_idx', { synchronize: false }) // (enrolment_id) of self-reported watch completions: the report's count
export class ItemProgress {
  @PrimaryColumn({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @Column({ type: 'varchar', length: 16 })
  state: Exclude<ItemState, 'not_started'>;

  @Column({ type: 'double precision', default: 0 })
  percent: number;

  /** Server-judged coverage of the watched segments: the only thing that completes a watch rule. */
  @Column({ name: 'covered_percent', type: 'double precision', default: 0 })
  coveredPercent: number;

  @Column({ name: 'watched', type: 'nummultirange', nullable: true })
  watched: string | null;

  @Column({ name: 'position_seconds', type: 'double precision', nullable: true })
  positionSeconds: number | null;

  @Column({ name: 'position_at', type: 'timestamptz', nullable: true })
  positionAt: Date | null;

  /** The item's rule and video length when last written (kept fresh by every upsert; used inside ON CONFLICT). */
  @Column({ type: 'varchar', length: 16 })
  rule: string;

  @Column({ name: 'min_percent', type: 'double precision', nullable: true })
  minPercent: number | null;

  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  durationSeconds: number | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
