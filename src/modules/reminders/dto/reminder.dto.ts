import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { REMINDER_KINDS, REMINDER_STATUSES, ReminderKind, ReminderStatus } from '../entities/reminder.entity';
import type { ReminderListRow } from '../reminders.repository';
import { UserSummaryDto } from '../../users/dto/user.dto';
import { CURSOR_MAX, LAST_ERROR_MAX, MESSAGE_ID_MAX, PAGE_LIMIT_MAX, WORD_MAX } from '../../../common/limits';

export class ReminderQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REMINDER_STATUSES })
  @IsOptional()
  @IsIn(REMINDER_STATUSES)
  status?: ReminderStatus;

  @ApiPropertyOptional({ enum: REMINDER_KINDS })
  @IsOptional()
  @IsIn(REMINDER_KINDS)
  kind?: ReminderKind;
}

export class ReminderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REMINDER_KINDS }) kind: ReminderKind;
  @ApiProperty({ type: UserSummaryDto }) user: UserSummaryDto;
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assignmentId: string | null;
  @ApiProperty({ format: 'date-time' }) scheduledFor: string;
  @ApiProperty({ enum: REMINDER_STATUSES }) status: ReminderStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String, maxLength: LAST_ERROR_MAX }) lastError: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: WORD_MAX, example: 'opted_out' }) skipReason: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: MESSAGE_ID_MAX }) messageId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(r: ReminderListRow): ReminderDto {
    return {
      id: r.id,
      kind: r.kind,
      user: { id: r.user.id, name: r.user.name, email: r.user.email },
      enrolmentId: r.enrolmentId,
      assignmentId: r.assignmentId,
      scheduledFor: r.scheduledFor.toISOString(),
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      skipReason: r.skipReason,
      sentAt: r.sentAt?.toISOString() ?? null,
      messageId: r.messageId,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

export class ReminderPageDto {
  @ApiProperty({ type: [ReminderDto], maxItems: PAGE_LIMIT_MAX }) data: ReminderDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}
