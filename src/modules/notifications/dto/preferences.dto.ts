import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { CLOCK_TIME_LENGTH } from '../../../common/limits';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ maxLength: CLOCK_TIME_LENGTH, pattern: HHMM.source, example: '21:00', description: 'HH:MM in your timezone' })
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start: string;

  @ApiProperty({ maxLength: CLOCK_TIME_LENGTH, pattern: HHMM.source, example: '08:00' })
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end: string;
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
}

const present = (_: object, v: unknown) => v !== undefined;

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
}
