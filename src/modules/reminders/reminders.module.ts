import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CoursesModule } from '../courses/courses.module';
import { ReminderDispatcher } from './reminder-dispatcher';
import { ReminderQueue } from './reminder-queue';
import { ReminderScheduleRepository } from './reminder-schedule.repository';
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
  providers: [RemindersRepository, ReminderDispatcher, RemindersService, RemindersMetrics],
  exports: [RemindersRepository, ReminderDispatcher],
})
export class RemindersModule {}
