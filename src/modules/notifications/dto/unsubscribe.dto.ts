import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { REMINDER_KINDS, type ReminderKind } from '../../reminders/reminder-kinds';
import { KIND_LABEL } from '../preference-fields';

export class UnsubscribeDto {
  @ApiProperty({ description: 'The token from the unsubscribe link of an email' })
  @IsString()
  @MaxLength(1000)
  token: string;
}

/** Which emails an unsubscribe link stops, named as people read it. */
export class UnsubscribeScopeDto {
  @ApiProperty({ enum: REMINDER_KINDS, example: 'due_soon' }) kind: ReminderKind;
  @ApiProperty({ description: 'How the kind is named to people', example: '“due soon” reminders' }) label: string;

  static of(kind: ReminderKind): UnsubscribeScopeDto {
    return { kind, label: KIND_LABEL[kind] };
  }
}
