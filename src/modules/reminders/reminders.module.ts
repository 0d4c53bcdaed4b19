import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CoursesModule } from '../courses/courses.module';
import { InactivityScanner } from './inactivity-scanner';
import { ReminderDispatch } from './reminder-dispatch';
import { ReminderDispatchRepository } from './reminder-dispatch.repository';
import { ReminderMetricsRepository } from './reminder-metrics.repository';
import { ReminderQueue } from './reminder-queue';
import { ReminderQueueDepth } from './reminder-queue-depth';
import { ReminderReconciler } from './reminder-reconciler';
import { ReminderRetry } from './reminder-retry';
import { ReminderScheduleRepository } from './reminder-schedule.repository';
import { ReminderSendRepository } from './reminder-send.repository';
import { ReminderScheduleService } from './reminder-schedule.service';
import { RemindersController } from './reminders.controller';
import { RemindersMetrics } from './reminders.metrics';
import { RemindersRepository } from './reminders.repository';
import { RemindersService } from './reminders.service';

/** Writing reminder rows (used by enrolments and assignments) and the API over them. */
@Module({
  providers: [ReminderScheduleRepository, ReminderScheduleService, ReminderQueue],
  exports: [ReminderScheduleService, ReminderQueue],
})
export class ReminderScheduleModule {}

@Module({
  imports: [AuditModule, CoursesModule, ReminderScheduleModule],
  controllers: [RemindersController],
  providers: [
    // The inactivity scanner's own writer; ReminderScheduleModule exports only the service to other modules.
    ReminderScheduleRepository,
    RemindersRepository,
    ReminderDispatchRepository,
    ReminderSendRepository,
    ReminderMetricsRepository,
    ReminderDispatch,
    ReminderReconciler,
    InactivityScanner,
    ReminderRetry,
    ReminderQueueDepth,
    RemindersService,
    RemindersMetrics,
  ],
  exports: [ReminderSendRepository, ReminderDispatch, ReminderReconciler, InactivityScanner],
})
export class RemindersModule {}
