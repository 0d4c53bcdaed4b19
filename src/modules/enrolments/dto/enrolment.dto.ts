import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { trimmed, lowerCased } from '../../../common/transforms';
import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { UserSummaryDto } from '../../users/dto/user.dto';
import { ENROLMENT_STATUSES, EnrolmentStatus } from '../entities/enrolment.entity';
import {
  BULK_CELL_MAX,
  COHORTS_PER_COURSE_MAX,
  CURSOR_MAX,
  EMAIL_MAX,
  MESSAGE_MAX,
  MY_LIST_MAX,
  NAME_MAX,
  PAGE_LIMIT_MAX,
  SEARCH_MAX,
  SLUG_MAX,
  TITLE_MAX,
} from '../../../common/limits';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const BULK_ROW_LIMIT = 10_000;
/** A result lists at most this many failed rows (the first by row number); `failedCount` has them all. */
export const BULK_FAILED_LIST_LIMIT = 1_000;

export class CohortDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ maxLength: NAME_MAX }) name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CohortListDto {
  @ApiProperty({ type: [CohortDto], maxItems: COHORTS_PER_COURSE_MAX }) data: CohortDto[];
}

export class CohortInput {
  @ApiProperty({ minLength: 1, maxLength: NAME_MAX, example: 'Bogotá evening section' })
  @Transform(trimmed)
  @IsString()
  @Length(1, NAME_MAX)
  name: string;
}

export class EnrolmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) cohortId: string | null;
  @ApiProperty({ enum: ENROLMENT_STATUSES }) status: EnrolmentStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) activatedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) droppedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastActivityAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EnrolmentPageDto {
  @ApiProperty({ type: [EnrolmentDto], maxItems: PAGE_LIMIT_MAX }) data: EnrolmentDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export class MyEnrolmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ maxLength: TITLE_MAX }) courseTitle: string;
  @ApiProperty({ maxLength: SLUG_MAX }) courseSlug: string;
  @ApiProperty({ enum: ENROLMENT_STATUSES }) status: EnrolmentStatus;
  @ApiProperty({ description: 'Percent of required items completed (0 until progress exists)', example: 0 }) progressPercent: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastActivityAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class MyEnrolmentListDto {
  @ApiProperty({ type: [MyEnrolmentDto], maxItems: MY_LIST_MAX, description: `The newest ${MY_LIST_MAX}` }) data: MyEnrolmentDto[];
}

export class EnrolDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing user; give this or email' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: EMAIL_MAX, description: 'Unknown emails become invited student accounts' })
  @IsOptional()
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email?: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX, description: 'Name for a new account (defaults to the email’s local part)' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  cohortId?: string;
}

export class BulkRowDto {
  @ApiProperty({ maxLength: BULK_CELL_MAX, example: 'student@example.org' })
  @IsString()
  @MaxLength(BULK_CELL_MAX)
  email: string;

  @ApiPropertyOptional({ maxLength: BULK_CELL_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(BULK_CELL_MAX)
  name?: string;

  @ApiPropertyOptional({ maxLength: BULK_CELL_MAX, description: 'Cohort name' })
  @IsOptional()
  @IsString()
  @MaxLength(BULK_CELL_MAX)
  cohort?: string;
}

export class BulkEnrolDto {
  @ApiProperty({ type: [BulkRowDto], maxItems: BULK_ROW_LIMIT })
  @IsArray() // counted before validation: more than BULK_ROW_LIMIT rows answer 413
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => BulkRowDto)
  rows: BulkRowDto[];
}

export class BulkQuery {
  @ApiPropertyOptional({ default: false, description: 'Validate and count without writing anything' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Create cohorts named in the file that do not exist yet' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  createCohorts?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Also answer `rows`: the outcome of every data row' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  details?: boolean;
}

export const BULK_ROW_OUTCOMES = ['created', 'existing', 'invited', 'invalid'] as const;
export type BulkRowOutcome = (typeof BULK_ROW_OUTCOMES)[number];

export class BulkRowOutcomeDto {
  @ApiProperty({ description: '1-based data row (header and blank lines excluded), as in `failed`' }) row: number;
  @ApiProperty({ description: 'As written in the row (trimmed and lower-cased when it is a valid email)', maxLength: BULK_CELL_MAX })
  email: string;
  @ApiProperty({
    enum: BULK_ROW_OUTCOMES,
    description:
      'created: enrolled (existing account); invited: enrolled with a new invited account; existing: already enrolled, unchanged; invalid: not enrolled, see error',
  })
  outcome: BulkRowOutcome;
  @ApiPropertyOptional({ description: 'Why the row was not enrolled (outcome invalid), as in `failed`', maxLength: MESSAGE_MAX })
  error?: string;
}

export class BulkFailureDto {
  @ApiProperty({ description: '1-based data row (header and blank lines excluded)' }) row: number;
  @ApiProperty({ maxLength: BULK_CELL_MAX }) email: string;
  @ApiProperty({ maxLength: MESSAGE_MAX, example: 'invalid email' }) error: string;
}

export class BulkResultDto {
  @ApiProperty() created: number;
  @ApiProperty() existing: number;
  @ApiProperty({
    type: [BulkFailureDto],
    maxItems: BULK_FAILED_LIST_LIMIT,
    description: `The first ${BULK_FAILED_LIST_LIMIT.toLocaleString('en')} failed rows by row number; failedCount says how many failed in all`,
  })
  failed: BulkFailureDto[];
  @ApiProperty({ description: 'How many rows failed in all (failed lists at most the first 1,000)' }) failedCount: number;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ description: 'Accounts created (invited) for unknown emails' }) invited: number;
  @ApiProperty({ description: 'Cohorts created with createCohorts=true' }) cohortsCreated: number;
  @ApiPropertyOptional({
    type: [BulkRowOutcomeDto],
    maxItems: BULK_ROW_LIMIT,
    description:
      "With details=true only: every data row in order. In an instructor's dry run, rows that would invite a new account say created (as `invited` is 0 there)",
  })
  rows?: BulkRowOutcomeDto[];
}

export class UpdateEnrolmentDto {
  @ApiPropertyOptional({ enum: ['active', 'dropped'], description: 'Allowed: any → dropped, dropped → active' })
  @IsOptional()
  @IsIn(ENROLMENT_STATUSES)
  status?: EnrolmentStatus;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null removes the cohort' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  cohortId?: string | null;
}

export class EnrolmentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ENROLMENT_STATUSES })
  @IsOptional()
  @IsIn(ENROLMENT_STATUSES)
  status?: EnrolmentStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  cohortId?: string;

  @ApiPropertyOptional({ description: 'Name or email contains (case-insensitive)', maxLength: SEARCH_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_MAX)
  q?: string;
}
