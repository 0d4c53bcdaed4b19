import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { EMAIL_KINDS, type EmailKind, KIND_LABEL } from '../preference-fields';

export class UnsubscribeDto {
  @ApiProperty({ description: 'The token from the unsubscribe link of an email' })
  @IsString()
  @MaxLength(1000)
  token: string;
}

/** Which emails an unsubscribe link stops, named as people read it. */
export class UnsubscribeScopeDto {
  @ApiProperty({ enum: EMAIL_KINDS, example: 'due_soon' }) kind: EmailKind;
  @ApiProperty({ description: 'How the kind is named to people', example: '“due soon” reminders' }) label: string;

  static of(kind: EmailKind): UnsubscribeScopeDto {
    return { kind, label: KIND_LABEL[kind] };
  }
}
