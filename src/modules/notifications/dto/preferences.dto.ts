import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { CLOCK_TIME_LENGTH } from '../../../common/limits';
import { SLOT_FREQUENCIES, type SlotFrequency } from '../email-slots';

const present = (_: object, v: unknown) => v !== undefined;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ maxLength: CLOCK_TIME_LENGTH, pattern: HHMM.source, example: '21:00', description: 'HH:MM in your timezone' })
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start: string;

  @ApiProperty({ maxLength: CLOCK_TIME_LENGTH, pattern: HHMM.source, example: '08:00' })
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end: string;
}

/** The digest: assignment, due-soon, overdue and inactivity emails wait and go out together at this local hour. */
export class DigestDto {
  @ApiProperty({ enum: ['off', 'daily', 'weekly'], example: 'daily', description: 'off: every email comes on its own' })
  @IsIn(['off', 'daily', 'weekly'])
  frequency: 'off' | 'daily' | 'weekly';

  @ApiProperty({ minimum: 0, maximum: 23, example: 7, description: 'Hour of the day in your timezone' })
  @IsInt()
  @Min(0)
  @Max(23)
  hour: number;

  @ApiProperty({ minimum: 1, maximum: 7, example: 1, description: 'Weekly digests: ISO weekday, 1 = Monday … 7 = Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday: number;
}

/** The at-risk students alert a course's instructors get (one email per slot across all their courses). */
export class AtRiskAlertsDto {
  @ApiProperty({ enum: SLOT_FREQUENCIES, example: 'weekly', description: 'off, daily, or weekly on `weekday`' })
  @IsIn(SLOT_FREQUENCIES, { message: 'frequency must be off, daily or weekly' })
  frequency: SlotFrequency;

  @ApiProperty({ minimum: 0, maximum: 23, example: 8, description: 'The hour (00 minutes) in your timezone' })
  @IsInt()
  @Min(0)
  @Max(23)
  hour: number;

  @ApiProperty({ minimum: 1, maximum: 7, example: 1, description: 'ISO weekday for weekly alerts: 1 = Monday … 7 = Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday: number;

  @ApiProperty({ description: 'List students inactive for the course’s inactivityDays with required work left' })
  @IsBoolean()
  inactive: boolean;

  @ApiProperty({ description: 'List students with overdue assignments' })
  @IsBoolean()
  overdue: boolean;

  @ApiProperty({ description: 'List students 30 or more points behind their cohort’s median progress' })
  @IsBoolean()
  behind: boolean;
}

/** Which reminder emails the user gets; due_soon, overdue and inactivity wait out the quiet hours. */
export class PreferencesDto {
  @ApiProperty() @IsBoolean() welcome: boolean;
  @ApiProperty() @IsBoolean() assignment: boolean;
  @ApiProperty() @IsBoolean() dueSoon: boolean;
  @ApiProperty() @IsBoolean() overdue: boolean;
  @ApiProperty() @IsBoolean() inactivity: boolean;

  @ApiProperty({ type: QuietHoursDto, nullable: true, description: 'null: no quiet hours' })
  @IsDefined()
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours: QuietHoursDto | null;

  @ApiProperty({
    type: AtRiskAlertsDto,
    required: false,
    description: 'Instructors’ at-risk students alert; absent in a PUT: unchanged (answers always carry it)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AtRiskAlertsDto)
  atRiskAlerts?: AtRiskAlertsDto;

  @ApiProperty({ type: DigestDto, required: false, description: 'Absent in a PUT: unchanged. Default: off at 07:00, Mondays' })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => DigestDto)
  digest?: DigestDto;
}

/** PATCH of the at-risk alert: any subset of its fields. */
export class AtRiskAlertsPatchDto {
  @ApiProperty({ enum: SLOT_FREQUENCIES, required: false })
  @ValidateIf(present)
  @IsIn(SLOT_FREQUENCIES, { message: 'frequency must be off, daily or weekly' })
  frequency?: SlotFrequency;

  @ApiProperty({ minimum: 0, maximum: 23, required: false }) @ValidateIf(present) @IsInt() @Min(0) @Max(23) hour?: number;
  @ApiProperty({ minimum: 1, maximum: 7, required: false }) @ValidateIf(present) @IsInt() @Min(1) @Max(7) weekday?: number;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() inactive?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() overdue?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() behind?: boolean;
}

/**
 * PATCH: any subset of the PUT fields; absent fields keep their value. `null` is only meaningful for quietHours
 * (turns them off); a boolean field sent as null is a 400. An empty body changes nothing and answers 200.
 */
export class PreferencesPatchDto {
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() welcome?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() assignment?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() dueSoon?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() overdue?: boolean;
  @ApiProperty({ required: false }) @ValidateIf(present) @IsBoolean() inactivity?: boolean;

  @ApiProperty({ type: QuietHoursDto, nullable: true, required: false, description: 'null: no quiet hours; absent: unchanged' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;

  @ApiProperty({ type: AtRiskAlertsPatchDto, required: false, description: 'Any subset of the at-risk alert’s fields' })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AtRiskAlertsPatchDto)
  atRiskAlerts?: AtRiskAlertsPatchDto;

  @ApiProperty({ type: DigestDto, required: false, description: 'absent: unchanged' })
  @ValidateIf(present)
  @IsObject()
  @ValidateNested()
  @Type(() => DigestDto)
  digest?: DigestDto;
}
