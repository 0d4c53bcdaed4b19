import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { KIND_LABEL } from '../preference-fields';
import { UNSUBSCRIBE_KINDS, type UnsubscribeKind } from '../unsubscribe-tokens';

export class UnsubscribeDto {
  @ApiProperty({ description: 'The token from the unsubscribe link of an email' })
  @IsString()
  @MaxLength(1000)
  token: string;
}

/** Which emails an unsubscribe link stops, named as people read it. */
export class UnsubscribeScopeDto {
  @ApiProperty({ enum: UNSUBSCRIBE_KINDS, example: 'due_soon' }) kind: UnsubscribeKind;
  @ApiProperty({ description: 'How the kind is named to people', example: '“due soon” reminders' }) label: string;

  static of(kind: UnsubscribeKind): UnsubscribeScopeDto {
    return { kind, label: KIND_LABEL[kind] };
  }
}
