import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { QueueName, ReminderJobData, reminderJobId } from '../jobs/queues';
import { ReminderQueue } from './reminder-queue';
import { RemindersRepository } from './reminders.repository';

const BATCH = 5_000;
/** How long a row must have been `queued` before the scheduled reconciler looks for its job. */
const MIN_QUEUED_MS = 30_000;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /**
   * Rows `queued` since before `olderThan` (by default, for 30 s: a row being handed over is left
   * alone), or `sending` past their lease, whose job no longer exists go back to `scheduled`.
   */
  async reconcile(olderThan = new Date(Date.now() - MIN_QUEUED_MS)): Promise<number> {
    const stranded = await this.reminders.stranded(this.clock.now(), olderThan, BATCH);
    // All in flight at once, so a pass costs about one round trip: one row after another, a loss's backlog held recovery up for seconds.
    const states = await Promise.all(stranded.map((row) => this.queue.getJobState(reminderJobId(row.id))));
    const gone: string[] = [];
    const failed: string[] = [];
    for (const [i, row] of stranded.entries()) {
      // 'unknown': no job by that id (removed, or lost with Redis's data), or one in no state.
      if (states[i] === 'unknown' || states[i] === 'completed') gone.push(row.id);
      // BullMQ gave up (e.g. stalled too often) without the sender recording it: make it visible and retryable.
      if (states[i] === 'failed') failed.push(row.id);
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
