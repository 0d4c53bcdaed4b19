import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName, ReminderJobData } from '../jobs/queues';

/** Reminder jobs in BullMQ by state, for /metrics. */
@Injectable()
export class ReminderQueueDepth {
  constructor(@InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>) {}

  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
  }
}
