import { Module } from '@nestjs/common';
import { RetentionTimer } from './retention-timer';
import { StorageRepository } from './storage.repository';
import { StorageRetention } from './storage-retention';

/** Worker process only: the retention job on a timer. */
@Module({ providers: [StorageRepository, StorageRetention, RetentionTimer] })
export class StorageWorkerModule {}
