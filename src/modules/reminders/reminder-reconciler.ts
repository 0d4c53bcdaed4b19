import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import { QueueName, ReminderJob, ReminderJobData, reminderJobId } from '../jobs/queues';
import { ReminderDispatchRepository } from './reminder-dispatch.repository';
import { ReminderJobHandler } from './reminder-job-handler';

const BATCH = 5_000;
/** How long a row must have been `queued` before the scheduled reconciler looks for its job. */
const MIN_QUEUED_MS = 30_000;
const JOB_GAVE_UP = 'the queue gave up on this reminder (stalled or retried too often)';

/** Finds rows whose job vanished (Redis restarted or flushed) or gave up, and makes them schedulable or visible again. */
@Injectable()
export class ReminderReconciler implements ReminderJobHandler {
  readonly job = ReminderJob.Reconcile;
  private readonly logger = new Logger(ReminderReconciler.name);

  constructor(
    private readonly reminders: ReminderDispatchRepository,
    @InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>,
    private readonly clock: Clock,
  ) {}

  /**
   * Rows `queued` since before `olderThan` (by default, for 30 s: a row being handed over is left
   * alone), or `sending` past their lease, whose job no longer exists go back to `scheduled`.
   */
  async run(olderThan?: Date): Promise<number> {
    const now = this.clock.now();
    const stranded = await this.reminders.stranded(now, olderThan ?? new Date(now.getTime() - MIN_QUEUED_MS), BATCH);
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
}
