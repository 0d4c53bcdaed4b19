import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import { appConfig } from '../../config/env';
import { QueueName, ReminderJobData, reminderJobId } from '../jobs/queues';
import { ReminderQueue } from './reminder-queue';
import { RemindersRepository } from './reminders.repository';

const BATCH = 5_000;
const JOB_GAVE_UP = 'the queue gave up on this reminder (stalled or retried too often)';

/**
 * Moves due reminder rows into BullMQ (scheduled → queued, job id `reminder-<id>`), finds rows
 * whose job vanished (Redis restarted or flushed) and schedules inactivity nudges.
 */
@Injectable()
export class ReminderDispatcher {
  private readonly logger = new Logger(ReminderDispatcher.name);

  constructor(
    private readonly reminders: RemindersRepository,
    private readonly sendQueue: ReminderQueue,
    @InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>,
    private readonly clock: Clock,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** Claims and enqueues everything due within the lookahead; returns how many were queued. */
  async dispatch(): Promise<number> {
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

  /** Rows `queued` (or `sending` past their lease) whose job no longer exists go back to `scheduled`. */
  async reconcile(minAgeMs = 30_000): Promise<number> {
    const now = this.clock.now();
    const stranded = await this.reminders.stranded(now, new Date(Date.now() - minAgeMs), BATCH);
    const gone: string[] = [];
    const failed: string[] = [];
    for (const row of stranded) {
      const job = await this.queue.getJob(reminderJobId(row.id));
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown' || state === 'completed') gone.push(row.id);
      // BullMQ gave up (e.g. stalled too often) without the sender recording it: make it visible and retryable.
      if (state === 'failed') failed.push(row.id);
    }
    await this.reminders.markFailed(failed, JOB_GAVE_UP);
    const released = await this.reminders.release(gone);
    if (released) this.logger.warn({ released }, 'reconciler re-scheduled reminders whose jobs were gone');
    return released;
  }

  async scanInactivity(): Promise<number> {
    const created = await this.reminders.scheduleInactivity(this.clock.now());
    if (created) this.logger.log({ created }, 'inactivity reminders scheduled');
    return created;
  }

  /** Admin retry: drop the failed job so the id is free, then the dispatcher sends it once. */
  async retry(reminderId: string): Promise<boolean> {
    const job = await this.queue.getJob(reminderJobId(reminderId));
    if (job && (await job.getState()) === 'failed') await job.remove();
    return this.reminders.retry(reminderId, this.clock.now());
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
  }
}
