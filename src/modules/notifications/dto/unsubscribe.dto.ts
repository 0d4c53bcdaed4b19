import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { REMINDER_KINDS, type ReminderKind } from '../../reminders/reminder-kinds';
import { KIND_LABEL } from '../preference-fields';
import { UNSUBSCRIBE_TOKEN_MAX, WORD_MAX } from '../../../common/limits';

export class UnsubscribeDto {
  @ApiProperty({ maxLength: UNSUBSCRIBE_TOKEN_MAX, description: 'The token from the unsubscribe link of an email' })
  @IsString()
  @MaxLength(UNSUBSCRIBE_TOKEN_MAX)
  token: string;
}

/** Which emails an unsubscribe link stops, named as people read it. */
export class UnsubscribeScopeDto {
  @ApiProperty({ enum: REMINDER_KINDS, example: 'due_soon' }) kind: ReminderKind;
  @ApiProperty({ maxLength: WORD_MAX, description: 'How the kind is named to people', example: '“due soon” reminders' }) label: string;

  static of(kind: ReminderKind): UnsubscribeScopeDto {
    return { kind, label: KIND_LABEL[kind] };
  }
}
