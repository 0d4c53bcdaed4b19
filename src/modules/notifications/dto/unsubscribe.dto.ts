import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { EMAIL_KINDS, type EmailKind, KIND_LABEL } from '../preference-fields';
import { UNSUBSCRIBE_TOKEN_MAX, WORD_MAX } from '../../../common/limits';

export class UnsubscribeDto {
  @ApiProperty({ maxLength: UNSUBSCRIBE_TOKEN_MAX, description: 'The token from the unsubscribe link of an email' })
  @IsString()
  @MaxLength(UNSUBSCRIBE_TOKEN_MAX)
  token: string;
}

/** Which emails an unsubscribe link stops, named as people read it. */
export class UnsubscribeScopeDto {
  @ApiProperty({ enum: EMAIL_KINDS, example: 'due_soon' }) kind: EmailKind;
  @ApiProperty({ maxLength: WORD_MAX, description: 'How the kind is named to people', example: '“due soon” reminders' }) label: string;

  static of(kind: EmailKind): UnsubscribeScopeDto {
    return { kind, label: KIND_LABEL[kind] };
  }
}
