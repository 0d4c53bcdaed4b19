import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsUUID,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ArrayDistinct, IsIsoInstant, ISO_INSTANT_EXAMPLE } from '../../../common/validators';
import { PageQuery } from '../../../common/pagination';
import { TARGET_TYPES, TargetType } from '../entities/assignment.entity';
import {
  CURSOR_MAX,
  MESSAGE_MAX,
  MY_LIST_MAX,
  OVERRIDES_PER_ASSIGNMENT_MAX,
  PAGE_LIMIT_MAX,
  TARGET_ENROLMENTS_MAX_ITEMS,
  TITLE_MAX,
  WARNINGS_MAX_ITEMS,
} from '../../../common/limits';

export class TargetDto {
  @ApiProperty({ enum: TARGET_TYPES })
  @IsIn(TARGET_TYPES)
  type: TargetType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required when type is cohort' })
  @ValidateIf((o: TargetDto) => o.type === 'cohort' || o.cohortId !== undefined)
  @IsUUID()
  cohortId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: TARGET_ENROLMENTS_MAX_ITEMS,
    description: 'Required when type is enrolments',
  })
  @ValidateIf((o: TargetDto) => o.type === 'enrolments' || o.enrolmentIds !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TARGET_ENROLMENTS_MAX_ITEMS)
  @ArrayDistinct()
  @IsUUID('all', { each: true })
  enrolmentIds?: string[];
}

const DUE_AT =
  'With a time zone offset (Z or ±HH:MM); a time without one is refused. A date in the past is accepted with a warning naming the reminders that will not be sent';

export class CreateAssignmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  moduleId: string;

  @ApiProperty({ format: 'date-time', example: ISO_INSTANT_EXAMPLE, description: DUE_AT })
  @IsIsoInstant()
  dueAt: string;

  @ApiProperty({ type: TargetDto, example: { type: 'course' } })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TargetDto)
  target: TargetDto;
}

export class RescheduleDto {
  @ApiProperty({ format: 'date-time', example: ISO_INSTANT_EXAMPLE, description: DUE_AT })
  @IsIsoInstant()
  dueAt: string;
}

export class TargetView {
  @ApiProperty({ enum: TARGET_TYPES }) type: TargetType;
  @ApiPropertyOptional({ format: 'uuid' }) cohortId?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: TARGET_ENROLMENTS_MAX_ITEMS }) enrolmentIds?: string[];
}

export class OverrideView {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ format: 'uuid' }) moduleId: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ type: TargetView }) target: TargetView;
  @ApiProperty({ type: [OverrideView], maxItems: OVERRIDES_PER_ASSIGNMENT_MAX }) overrides: OverrideView[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: MESSAGE_MAX },
    maxItems: WARNINGS_MAX_ITEMS,
    description:
      'On create, reschedule and override only: things the change did that the caller may not expect (reminders that will not be sent because their time has passed; students who already have the module assigned)',
    example: ['The due date is in the past: no due-soon reminder will be sent'],
  })
  warnings?: string[];
}

export class AssignmentPageDto {
  @ApiProperty({ type: [AssignmentDto], maxItems: PAGE_LIMIT_MAX }) data: AssignmentDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export const MY_ASSIGNMENT_STATUSES = ['upcoming', 'overdue', 'done'] as const;
export type MyAssignmentStatus = (typeof MY_ASSIGNMENT_STATUSES)[number];

export class MyAssignmentsQuery {
  @ApiPropertyOptional({ enum: MY_ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(MY_ASSIGNMENT_STATUSES)
  status?: MyAssignmentStatus;
}

export class MyAssignmentDto {
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ maxLength: TITLE_MAX }) courseTitle: string;
  @ApiProperty({ format: 'uuid' }) moduleId: string;
  @ApiProperty({ maxLength: TITLE_MAX }) moduleTitle: string;
  @ApiProperty({ format: 'date-time', description: 'The due date that applies to you (your override, if any)' }) dueAt: string;
  @ApiProperty({ enum: MY_ASSIGNMENT_STATUSES }) status: MyAssignmentStatus;
}

export class MyAssignmentListDto {
  @ApiProperty({ type: [MyAssignmentDto], maxItems: MY_LIST_MAX, description: `The first ${MY_LIST_MAX}, soonest due first` })
  data: MyAssignmentDto[];
}

export class AssignmentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Include cancelled assignments' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeCancelled?: 'true' | 'false';
}
