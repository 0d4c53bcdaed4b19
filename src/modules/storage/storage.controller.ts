import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../common/auth.decorators';
import { STORAGE_TABLES } from './storage.repository';
import { StorageService } from './storage.service';

class TableStorageDto {
  @ApiProperty({ enum: Object.keys(STORAGE_TABLES), example: 'progress_events' }) table: string;
  @ApiProperty({ description: 'On disk, with indexes and TOAST', example: 123456789 }) totalBytes: number;
  @ApiProperty({ description: "The planner's estimate (as of the last ANALYZE), not an exact count", example: 1000000 })
  rowEstimate: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The oldest row kept, for tables with a retention period (null for the others, or when empty)',
  })
  oldestAt: string | null;
}

class RetentionDto {
  @ApiProperty({ example: 180 }) progressEventDays: number;
  @ApiProperty({ example: 30 }) reminderBodyDays: number;
  @ApiProperty({ example: 365 }) reminderRowDays: number;
  @ApiProperty({ description: '0: audit entries are kept for ever', example: 0 }) auditDays: number;
}

class StorageDto {
  @ApiProperty({ type: [TableStorageDto], maxItems: Object.keys(STORAGE_TABLES).length }) tables: TableStorageDto[];
  @ApiProperty({ type: RetentionDto }) retention: RetentionDto;
}

@ApiTags('admin')
@Controller('admin/storage')
export class StorageController {
  constructor(private readonly storage: StorageService) {}

  @Get()
  @ApiOperation({
    summary: 'Storage and retention',
    description:
      'Size on disk, row estimate and oldest row kept of each table that grows with use, with the retention periods in force (the same numbers are gauges on /metrics).',
  })
  @AdminOnly()
  @ApiOkResponse({ type: StorageDto, description: 'Table sizes, row estimates and the oldest row kept, with the retention periods' })
  async show(): Promise<StorageDto> {
    const tables = await this.storage.tables();
    const { progressEventDays, reminderBodyDays, reminderRowDays, auditDays } = this.storage.retention();
    return {
      tables: tables.map((t) => ({
        table: t.table,
        totalBytes: t.total_bytes,
        rowEstimate: t.row_estimate,
        oldestAt: t.oldest_at ? new Date(t.oldest_at).toISOString() : null,
      })),
      retention: { progressEventDays, reminderBodyDays, reminderRowDays, auditDays },
    };
  }
}
