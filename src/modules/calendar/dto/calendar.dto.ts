import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { URL_MAX } from '../../../common/limits';

export class CalendarLinkDto {
  @ApiProperty({
    maxLength: URL_MAX,
    example: 'https://accord.example.edu/api/v1/calendar/AbCdEfGhIjKlMnOpQrStUv.0123456789abcdefghijklmnopqrstuvwxyzABCDEFG.ics',
    description: 'The secret feed URL (RFC 5545). Anyone with it can read your due dates: rotate it if it leaks.',
  })
  url: string;

  @ApiProperty({
    maxLength: URL_MAX,
    example: 'webcal://accord.example.edu/api/v1/calendar/AbCd….ics',
    description: 'The same feed for calendar apps',
  })
  webcalUrl: string;
}

export class CalendarFeedQuery {
  @ApiPropertyOptional({ minimum: 0, maximum: 10080, description: 'Adds a display alarm this many minutes before each due date' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10080)
  alarm?: number;
}
