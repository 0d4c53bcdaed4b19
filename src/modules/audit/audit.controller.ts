import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiOperation } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AdminOnly } from '../../common/auth.decorators';
import { Page, PageQuery } from '../../common/pagination';
import { AuditService } from './audit.service';
import { AuditEntry } from './entities/audit-entry.entity';
import { AUDIT_ACTION_MAX, CURSOR_MAX, PAGE_LIMIT_MAX, REQUEST_ID_MAX } from '../../common/limits';

export const AUDITED_ENTITIES = ['user', 'course', 'module', 'item', 'material', 'enrolment', 'cohort', 'assignment', 'reminder'] as const;

class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDITED_ENTITIES })
  @IsOptional()
  @IsIn(AUDITED_ENTITIES)
  entity?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ maxLength: AUDIT_ACTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(AUDIT_ACTION_MAX)
  action?: string;
}

class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ maxLength: AUDIT_ACTION_MAX, example: 'user.deactivated' }) action: string;
  @ApiProperty({ enum: AUDITED_ENTITIES, example: 'user' }) entity: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) entityId: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) before: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) after: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, maxLength: REQUEST_ID_MAX }) requestId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], maxItems: PAGE_LIMIT_MAX }) data: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

function toDto(entry: AuditEntry): AuditEntryDto {
  return { ...entry, createdAt: entry.createdAt.toISOString() };
}

@ApiTags('audit')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Read the audit log',
    description:
      'Changes with who made them, before and after values and the request id, newest first; filtered by entity, entity id, actor and action.',
  })
  @AdminOnly()
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() query: AuditQuery): Promise<Page<AuditEntryDto>> {
    const { entity, entityId, actorId, action, ...page } = query;
    const result = await this.audit.list({ entity, entityId, actorId, action }, page);
    return { data: result.data.map(toDto), nextCursor: result.nextCursor };
  }
}
