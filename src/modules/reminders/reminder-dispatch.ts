import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ReminderJob } from '../jobs/queues';
import { ReminderDispatchRepository } from './reminder-dispatch.repository';
import { ReminderJobHandler } from './reminder-job-handler';
import { ReminderQueue } from './reminder-queue';

const BATCH = 5_000;

/** Moves due reminder rows into BullMQ (scheduled → queued, job id `reminder-<id>`). */
@Injectable()
export class ReminderDispatch implements ReminderJobHandler {
  readonly job = ReminderJob.Dispatch;
  private readonly logger = new Logger(ReminderDispatch.name);

  constructor(
    private readonly reminders: ReminderDispatchRepository,
    private readonly sendQueue: ReminderQueue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Claims and enqueues everything due within the lookahead; returns how many were queued. */
  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const claimed = await this.reminders.claimDue(new Date(now.getTime() + this.config.reminders.lookaheadSeconds * 1000), BATCH);
      if (!claimed.length) break;
      try {
        await this.sendQueue.add(
          claimed.map((r) => ({ id: r.id, scheduledFor: new Date(r.scheduled_for) })),
          now,
        );
      } catch (error) {
        // Redis refused: the rows go back to scheduled; nothing is lost.
        await this.reminders.release(claimed.map((r) => r.id));
        throw error;
      }
      total += claimed.length;
      if (claimed.length < BATCH) break;
    }
    if (total) this.logger.log({ queued: total }, 'reminders dispatched');
    return total;
  }
}
