import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from './common/core.module';
import { AppConfig } from './config/env';
import { LegacyQueueKeys } from './modules/jobs/legacy-queue-keys';
import { MailModule } from './modules/mail/mail.module';
import { MailProcessor } from './modules/mail/mail.processor';
import { ReminderWorkerModule } from './modules/reminders/reminder-worker.module';
import { StorageWorkerModule } from './modules/storage/storage-worker.module';
import { UsersModule } from './modules/users/users.module';

/** The worker: BullMQ processors and schedulers, the retention job, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, 'worker'), UsersModule, MailModule, ReminderWorkerModule, StorageWorkerModule],
      providers: [MailProcessor, LegacyQueueKeys],
    };
  }
}
