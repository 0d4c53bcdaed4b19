import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import { QueueName, ReminderJobData, reminderJobId } from '../jobs/queues';
import { ReminderDispatchRepository } from './reminder-dispatch.repository';

/** Admin retry of a failed reminder. */
@Injectable()
export class ReminderRetry {
  constructor(
    private readonly reminders: ReminderDispatchRepository,
    @InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>,
    private readonly clock: Clock,
  ) {}

  /** Drops the failed job so the id is free, then the dispatcher sends it once. False if the row is not failed. */
  async retry(reminderId: string): Promise<boolean> {
    const job = await this.queue.getJob(reminderJobId(reminderId));
    if (job && (await job.getState()) === 'failed') await job.remove();
    return this.reminders.retry(reminderId, this.clock.now());
  }
}
