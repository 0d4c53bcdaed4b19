import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { trimmed } from '../../../common/transforms';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SLUG_PATTERN } from '../../../common/slug';
import { IsTimeZone } from '../../users/dto/user.dto';
import { Course, COURSE_STATUSES, CourseStatus, ReminderPolicy } from '../entities/course.entity';
import {
  CURSOR_MAX,
  DESCRIPTION_MAX,
  INSTRUCTORS_PER_COURSE_MAX,
  PAGE_LIMIT_MAX,
  SLUG_MAX,
  TIMEZONE_MAX,
  TITLE_MAX,
} from '../../../common/limits';

export class ReminderPolicyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 43200,
    default: 1440,
    description: 'due_soon reminder this many minutes before the due date',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(43_200)
  dueSoonMinutesBefore?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 43200, default: 60, description: 'overdue reminder this many minutes after the due date' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(43_200)
  overdueMinutesAfter?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 7, description: 'inactivity reminder after this many quiet days' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  inactivityDays?: number;
}

export class ReminderPolicyView implements ReminderPolicy {
  @ApiProperty({ example: 1440 }) dueSoonMinutesBefore: number;
  @ApiProperty({ example: 60 }) overdueMinutesAfter: number;
  @ApiProperty({ example: 7 }) inactivityDays: number;
}

export class CourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: SLUG_MAX, pattern: SLUG_PATTERN.source, example: 'negotiating-peace' }) slug: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({ maxLength: DESCRIPTION_MAX }) description: string;
  @ApiProperty({ enum: COURSE_STATUSES }) status: CourseStatus;
  @ApiProperty({ maxLength: TIMEZONE_MAX, example: 'America/New_York' }) timezone: string;
  @ApiProperty({ type: ReminderPolicyView }) reminderPolicy: ReminderPolicy;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: INSTRUCTORS_PER_COURSE_MAX }) instructorIds: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) archivedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(c: Course, instructorIds: string[]): CourseDto {
    return {
      id: c.id,
      slug: c.slug,
      title: c.title,
      description: c.description,
      status: c.status,
      timezone: c.timezone,
      reminderPolicy: c.reminderPolicy,
      instructorIds,
      publishedAt: c.publishedAt?.toISOString() ?? null,
      archivedAt: c.archivedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class CoursePageDto {
  @ApiProperty({ type: [CourseDto], maxItems: PAGE_LIMIT_MAX }) data: CourseDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export class CreateCourseDto {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX, example: 'Negotiating Peace: Lessons from Diplomacy and Crisis' })
  @Transform(trimmed)
  @IsString()
  @Length(1, TITLE_MAX)
  title: string;

  @ApiPropertyOptional({ description: 'Derived from the title when absent; unique', maxLength: SLUG_MAX, pattern: SLUG_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case words joined by hyphens' })
  slug?: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({ maxLength: TIMEZONE_MAX, example: 'America/New_York', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: ReminderPolicyDto, description: 'Missing fields take the defaults' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderPolicyDto)
  reminderPolicy?: ReminderPolicyDto;
}

/** Every field optional; a partial `reminderPolicy` is merged into the current one. */
export class UpdateCourseDto extends PartialType(CreateCourseDto) {}

export class CourseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: COURSE_STATUSES })
  @IsOptional()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;
}
