import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const EVENT_TYPES = ['viewed', 'progressed', 'completed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Raw progress events, once per (user, client eventId): resending never counts twice. */
@Entity({ name: 'progress_events' })
@Index('progress_events_enrolment_item_idx', ['enrolmentId', 'itemId'])
@Index('progress_events_received_idx', ['receivedAt'])
export class ProgressEvent {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @Column({ type: 'varchar', length: 16 })
  type: EventType;

  @Column({ name: 'position_seconds', type: 'double precision', nullable: true })
  positionSeconds: number | null;

  @Column({ type: 'double precision', nullable: true })
  percent: number | null;

  @Column({ name: 'watched', type: 'nummultirange', nullable: true })
  watched: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
