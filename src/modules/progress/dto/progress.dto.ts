import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, isIn, IsNumber, isNumber, IsOptional, IsUUID, isUUID } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { IsIsoInstant, isIsoInstant, ISO_INSTANT_EXAMPLE } from '../../../common/validators';
import { EVENT_TYPES, EventType, ITEM_STATES, ItemState } from '../entities/item-progress.entity';
import { MAX_SECONDS, MAX_SEGMENTS_PER_BATCH, MAX_SEGMENTS_PER_EVENT } from '../progress-rules';
import { UserSummaryDto } from '../../users/dto/user.dto';
import { MATERIAL_KINDS, MaterialKind } from '../../materials/dto/material.dto';
import {
  CURSOR_MAX,
  EVENT_ID_ECHO_MAX,
  ITEMS_PER_MODULE_MAX,
  MESSAGE_MAX,
  MODULES_PER_COURSE_MAX,
  NAME_MAX,
  PAGE_LIMIT_MAX,
  TITLE_MAX,
} from '../../../common/limits';

export const MAX_BATCH = 500;
const FINITE = { allowNaN: false, allowInfinity: false };

/** One event; validated per event so a bad one is rejected alone, not the batch. */
export class ProgressEventDto {
  @ApiProperty({ format: 'uuid', description: 'Client-generated; resending the same id never counts twice' })
  @IsUUID()
  eventId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  itemId: string;

  @ApiProperty({ enum: EVENT_TYPES })
  @IsIn(EVENT_TYPES)
  type: EventType;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_SECONDS, description: 'Resume position (videos)' })
  @IsOptional()
  @IsNumber(FINITE)
  positionSeconds?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber(FINITE)
  percent?: number;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'array', items: { type: 'number', minimum: 0, maximum: MAX_SECONDS }, minItems: 2, maxItems: 2 },
    maxItems: MAX_SEGMENTS_PER_EVENT,
    example: [
      [0, 120.5],
      [300, 410],
    ],
    description: `Watched intervals [fromSeconds, toSeconds], 0 ≤ from ≤ to ≤ ${MAX_SECONDS}; when present the server judges coverage itself. Ends are rounded to whole seconds; at most ${MAX_SEGMENTS_PER_EVENT} per event (more → the event is rejected) and ${MAX_SEGMENTS_PER_BATCH} per batch (more → 413)`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SEGMENTS_PER_EVENT)
  watchedSegments?: Array<[number, number]>;

  @ApiProperty({ format: 'date-time', example: ISO_INSTANT_EXAMPLE, description: 'With a time zone offset (Z or ±HH:MM)' })
  @IsIsoInstant()
  occurredAt: string;
}

const EVENT_FIELDS = new Set(['eventId', 'itemId', 'type', 'positionSeconds', 'percent', 'watchedSegments', 'occurredAt']);
const optional = (value: unknown, valid: (v: unknown) => boolean) => value === undefined || value === null || valid(value);

/**
 * True when class-validator would find no error in the event: the same predicates as the
 * decorators above, without class-transformer, so a well-formed batch skips the per-event
 * plainToInstance/validateSync (the slow path stays for naming the fields of a bad event).
 */
export function isWellFormedEvent(raw: unknown): raw is ProgressEventDto {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  for (const key of Object.keys(raw)) if (!EVENT_FIELDS.has(key)) return false;
  const e = raw as Record<string, unknown>;
  return (
    isUUID(e.eventId) &&
    isUUID(e.itemId) &&
    isIn(e.type, EVENT_TYPES) &&
    optional(e.positionSeconds, (v) => isNumber(v, FINITE)) &&
    optional(e.percent, (v) => isNumber(v, FINITE)) &&
    optional(e.watchedSegments, (v) => Array.isArray(v) && v.length <= MAX_SEGMENTS_PER_EVENT) &&
    isIsoInstant(e.occurredAt)
  );
}

export class ProgressBatchDto {
  @ApiProperty({
    type: [ProgressEventDto],
    maxItems: MAX_BATCH,
    description: `At most ${MAX_BATCH} events carrying at most ${MAX_SEGMENTS_PER_BATCH} watched segments in all (more → 413)`,
  })
  @IsArray()
  events: unknown[];
}

export class RejectedEventDto {
  @ApiProperty({ maxLength: EVENT_ID_ECHO_MAX, description: 'The eventId as sent (may be empty when it was missing)' }) eventId: string;
  @ApiProperty({ maxLength: MESSAGE_MAX, example: 'module locked' }) error: string;
}

export class BatchResultDto {
  @ApiProperty() accepted: number;
  @ApiProperty() duplicates: number;
  @ApiProperty({ type: [RejectedEventDto], maxItems: MAX_BATCH }) rejected: RejectedEventDto[];
}

export class ItemStateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ITEM_STATES }) state: ItemState;
  @ApiProperty({ example: 42.5 }) percent: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Resume position (latest by occurredAt, then the later event of a batch)' })
  positionSeconds: number | null;
  @ApiProperty({
    description:
      'True when the item is completed on server-judged evidence: for a watch rule, coverage of the watched segments reached minPercent (view and mark_done completions are their own evidence). False when not completed, or completed by a bare self-reported percent before evidence was required.',
  })
  evidenced: boolean;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Watch rules: server-judged coverage of the watched segments, the only percent that completes the item (percent may be higher when self-reported). Null for other rules.',
  })
  coveredPercent: number | null;
}

/** What a player needs of an item's material (the full material is in GET /courses/:id/modules). */
export class ItemMaterialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({ enum: MATERIAL_KINDS }) kind: MaterialKind;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The length that watch coverage is judged against' }) durationSeconds:
    number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uri', description: 'WebVTT captions for the player' }) captionsUrl: string | null;
}

/** An item of the course view: the caller's state and the material to open or play. */
export class CourseItemStateDto extends ItemStateDto {
  @ApiProperty({
    type: ItemMaterialDto,
    nullable: true,
    description: 'Null only for an item added while the view was being read; reload the view',
  })
  material: ItemMaterialDto | null;
}

export const MODULE_STATES = ['locked', 'available', 'in_progress', 'completed'] as const;
export type ModuleState = (typeof MODULE_STATES)[number];

export class ModuleProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({ enum: MODULE_STATES }) state: ModuleState;
  @ApiProperty() percent: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The due date that applies to you' }) dueAt: string | null;
  @ApiProperty({ type: [CourseItemStateDto], maxItems: ITEMS_PER_MODULE_MAX }) items: CourseItemStateDto[];
}

export class CourseProgressDto {
  @ApiProperty() percent: number;
  @ApiProperty() completedItems: number;
  @ApiProperty() requiredItems: number;
  @ApiProperty({ type: [ModuleProgressDto], maxItems: MODULES_PER_COURSE_MAX }) modules: ModuleProgressDto[];
}

/** An item as the instructor's drill-down shows it: the student's item state and when it last changed. */
export class EnrolmentItemStateDto extends CourseItemStateDto {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "When the student's progress on the item last changed (null: never)",
  })
  lastActivityAt: string | null;
}

export class EnrolmentModuleProgressDto extends ModuleProgressDto {
  @ApiProperty({ type: [EnrolmentItemStateDto], maxItems: ITEMS_PER_MODULE_MAX }) override items: EnrolmentItemStateDto[];
}

/** One student's progress as the student sees it (`/me/courses/:id/progress`), for the course's instructors. */
export class EnrolmentProgressDto extends CourseProgressDto {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ type: [EnrolmentModuleProgressDto], maxItems: MODULES_PER_COURSE_MAX }) override modules: EnrolmentModuleProgressDto[];
}

export const REPORT_STATES = ['not_started', 'in_progress', 'completed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const REPORT_SORTS = ['name', '-name', 'percent', '-percent', 'lastActivityAt', '-lastActivityAt', 'overdue', '-overdue'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_MODULE_STATES = ['completed', 'not_completed'] as const;
export type ReportModuleState = (typeof REPORT_MODULE_STATES)[number];

export class ReportQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  cohortId?: string;

  @ApiPropertyOptional({ enum: REPORT_STATES })
  @IsOptional()
  @IsIn(REPORT_STATES)
  state?: ReportState;

  @ApiPropertyOptional({ enum: REPORT_SORTS, default: 'name', description: 'A leading - sorts descending' })
  @IsOptional()
  @IsIn(REPORT_SORTS)
  sort?: ReportSort;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description:
      'csv: the whole course streamed as CSV, as with Accept: text/csv (so a plain link downloads it); json: a page, whatever Accept says',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class ReportModuleDto {
  @ApiProperty({ format: 'uuid' }) moduleId: string;
  @ApiProperty({ description: "1-based, the module's place in the course (the CSV column is named `module <number>: <title>`)" })
  number: number;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({
    enum: REPORT_MODULE_STATES,
    description:
      'completed: all its required items done (a module with items but none required counts as completed; one without items does not)',
  })
  state: ReportModuleState;
}

export class ReportRowDto {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) cohortId: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: NAME_MAX }) cohortName: string | null;
  @ApiProperty() percent: number;
  @ApiProperty() completedItems: number;
  @ApiProperty() overdueAssignments: number;
  @ApiProperty({
    description:
      'Completed watch-rule items whose completion is not backed by watched segments (self-reported before evidence was required)',
  })
  selfReportedCompletions: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastActivityAt: string | null;
  @ApiProperty({ enum: REPORT_STATES }) state: ReportState;
  @ApiProperty({ type: [ReportModuleDto], maxItems: MODULES_PER_COURSE_MAX, description: 'One per module of the course, in course order' })
  modules: ReportModuleDto[];
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportRowDto], maxItems: PAGE_LIMIT_MAX }) data: ReportRowDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export class ModuleSummaryDto {
  @ApiProperty({ format: 'uuid' }) moduleId: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty() position: number;
  @ApiProperty({ description: 'Enrolments (not dropped) in the course' }) enrolled: number;
  @ApiProperty({ description: 'Enrolments with an assignment of this module' }) assigned: number;
  @ApiProperty() completed: number;
  @ApiProperty({ description: 'Assigned, not completed, past the due date that applies' }) overdue: number;
  @ApiProperty({ description: 'completed / enrolled (0–1)' }) completionRate: number;
}

export class SummaryDto {
  @ApiProperty({ type: [ModuleSummaryDto], maxItems: MODULES_PER_COURSE_MAX }) modules: ModuleSummaryDto[];
}
