import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: 'HH:MM in your timezone' })
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start: string;

  @ApiProperty({ example: '08:00' })
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

  @ApiProperty({ type: DigestDto, required: false, description: 'Absent in a PUT: unchanged. Default: off at 07:00, Mondays' })
  @ValidateIf((_, v) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => DigestDto)
  digest?: DigestDto;
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

  @ApiProperty({ type: DigestDto, required: false, description: 'absent: unchanged' })
  @ValidateIf(present)
  @IsObject()
  @ValidateNested()
  @Type(() => DigestDto)
  digest?: DigestDto;
}
