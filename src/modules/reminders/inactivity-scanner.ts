import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { ReminderJob } from '../jobs/queues';
import { ReminderJobHandler } from './reminder-job-handler';
import { ReminderScheduleRepository } from './reminder-schedule.repository';

/** Schedules an inactivity nudge for every enrolment quiet for its course's `inactivityDays` with work outstanding. */
@Injectable()
export class InactivityScanner implements ReminderJobHandler {
  readonly job = ReminderJob.ScanInactivity;
  private readonly logger = new Logger(InactivityScanner.name);

  constructor(
    private readonly schedule: ReminderScheduleRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<number> {
    const created = await this.schedule.scheduleInactivity(this.dataSource.manager, this.clock.now());
    if (created) this.logger.log({ created }, 'inactivity reminders scheduled');
    return created;
  }
}
