import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { within } from '../../common/within';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { QueueName, ReminderJob, ReminderJobData, reminderJobId } from '../jobs/queues';

/**
 * Jobs go to Redis this many at a time, one batch after another. One 10,000-job MULTI blocks Redis
 * for every other client (rate limits, sessions) for a fifth of a second, and while it is built and
 * run Node and Redis take the CPU that PostgreSQL needs to write the rows a hand-over races with.
 * A batch that fails leaves the earlier ones queued, which is safe: a row is sent only by whoever
 * claims it, and rows without a job go back to the dispatcher.
 */
const ADD_CHUNK = 1_000;

/** How long a request waits for Redis to take the jobs it hands over before answering anyway. */
const HAND_OVER_WAIT_MS = 2_000;

/** Send jobs are removed once done, so a deferred or retried reminder can be queued again under the same id. */
const sendJobOptions = (attempts: number, backoffMs: number) => ({
  attempts,
  backoff: { type: 'exponential' as const, delay: backoffMs },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
});

/**
 * Puts `queued` reminder rows into BullMQ as `send` jobs (`reminder-<id>`, delayed until due).
 * Adding a job whose id exists is a no-op, so handing a row over twice queues it once.
 */
@Injectable()
export class ReminderQueue {
  private readonly logger = new Logger(ReminderQueue.name);

  constructor(
    @InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `xid`: the transaction writing the rows, when the jobs may arrive before it commits. */
  async add(rows: ReadonlyArray<{ id: string; scheduledFor: Date }>, now: Date, xid?: string): Promise<void> {
    if (!rows.length) return;
    const options = sendJobOptions(this.config.reminders.attempts, this.config.reminders.backoffMs);
    for (let start = 0; start < rows.length; start += ADD_CHUNK) {
      await this.queue.addBulk(
        rows.slice(start, start + ADD_CHUNK).map((r) => ({
          name: ReminderJob.Send,
          data: xid ? { reminderId: r.id, xid } : { reminderId: r.id },
          opts: { jobId: reminderJobId(r.id), delay: Math.max(0, r.scheduledFor.getTime() - now.getTime()), ...options },
        })),
      );
    }
  }

  /** Whether the queue's Redis connection is up now (without waiting for it). */
  private async connected(): Promise<boolean> {
    const client = await within(50, this.queue.getBackend().client).catch(() => null);
    return client?.status === 'ready';
  }

  /**
   * A request writing reminders that are due now (a new assignment's notices, written `queued`)
   * queues their jobs itself, while transaction `xid` writes the rows, instead of leaving them to
   * the next dispatch. A sender that takes such a job before the commit waits for it, and drops
   * the job if the transaction rolled back. It never fails the request: if Redis refuses or is
   * slow, the rows stay `queued` and the reconciler returns them to the dispatcher once it sees
   * their jobs are missing, so nothing is lost.
   */
  async handOver(ids: readonly string[], now: Date, xid: string): Promise<void> {
    if (!ids.length) return;
    // While Redis is away, commands would pile up in the client's offline queue: leave it to the reconciler.
    if (!(await this.connected())) {
      this.logger.warn({ reminders: ids.length }, 'the queue is not connected; the reconciler will dispatch these reminders');
      return;
    }
    const added = this.add(
      ids.map((id) => ({ id, scheduledFor: now })),
      now,
      xid,
    ).catch((error: unknown) =>
      this.logger.warn({ err: error, reminders: ids.length }, 'hand-over to the queue failed; the reconciler will re-dispatch'),
    );
    await within(HAND_OVER_WAIT_MS, added).catch(() =>
      this.logger.warn({ reminders: ids.length }, 'the queue is slow to take reminders; answering without waiting'),
    );
  }
}
