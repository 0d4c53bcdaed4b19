import { Module } from '@nestjs/common';
import { StorageController } from './storage.controller';
import { StorageRepository } from './storage.repository';
import { StorageRetention } from './storage-retention';
import { StorageService } from './storage.service';
import { StorageMetrics } from './storage.metrics';

/** API process: GET /admin/storage and the table gauges on /metrics; the retention job itself (run by the worker's timer, or by hand). */
@Module({
  controllers: [StorageController],
  providers: [StorageRepository, StorageService, StorageMetrics, StorageRetention],
  exports: [StorageRetention],
})
export class StorageModule {}
