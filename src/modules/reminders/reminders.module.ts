import { Module } from '@nestjs/common';
import { ReminderScheduleRepository } from './reminder-schedule.repository';

@Module({
  providers: [ReminderScheduleRepository],
  exports: [ReminderScheduleRepository],
})
export class RemindersModule {}
