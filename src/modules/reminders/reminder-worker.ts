import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { bullConnection, QUEUE_JOBS, QueueName, ReminderJob, ReminderJobData } from '../jobs/queues';
import { AtRiskAlertJob } from '../alerts/at-risk-alert-job';
import { DigestSender } from './digest-sender';
import { InactivityScanner } from './inactivity-scanner';
import { ReminderDispatch } from './reminder-dispatch';
import { ReminderJobHandler } from './reminder-job-handler';
import { ReminderReconciler } from './reminder-reconciler';
import { ReminderSchedules } from './reminder-schedules';
import { ReminderSender } from './reminder-sender';

/**
 * The reminders queue's BullMQ worker (in the worker process only): `send` jobs carry a reminder
 * id; `dispatch`, `scan-inactivity`, `reconcile`, `send-digests` and `at-risk-alerts` are repeatable jobs (kept alive by
 * ReminderSchedules). Handlers are checked against the job names at boot. Closing waits for jobs in flight.
 */
@Injectable()
export class ReminderWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReminderWorker.name);
  private worker: Worker | null = null;
  private readonly handlers: Record<ReminderJob, (job: Job<ReminderJobData>) => Promise<unknown>>;

  constructor(
    private readonly sender: ReminderSender,
    dispatch: ReminderDispatch,
    reconciler: ReminderReconciler,
    inactivity: InactivityScanner,
    digests: DigestSender,
    atRiskAlerts: AtRiskAlertJob,
    private readonly schedules: ReminderSchedules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const repeatable: ReminderJobHandler[] = [dispatch, reconciler, inactivity, digests, atRiskAlerts];
    this.handlers = {
      [ReminderJob.Send]: (job) => this.sender.send(job.data.reminderId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1), job.data.xid),
      ...Object.fromEntries(repeatable.map((handler) => [handler.job, () => handler.run()])),
    } as Record<ReminderJob, (job: Job<ReminderJobData>) => Promise<unknown>>;
    const missing = QUEUE_JOBS[QueueName.Reminders].filter((name) => !(name in this.handlers));
    if (missing.length) throw new Error(`No handler for ${QueueName.Reminders} jobs: ${missing.join(', ')}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { reminders, redis } = this.config;
    this.worker = new Worker<ReminderJobData>(
      QueueName.Reminders,
      async (job) => {
        const handler = this.handlers[job.name as ReminderJob];
        if (!handler) throw new Error(`Unknown job ${job.name} on ${QueueName.Reminders}`);
        return handler(job);
      },
      {
        ...bullConnection(redis),
        concurrency: reminders.concurrency,
        lockDuration: reminders.lockMs,
        stalledInterval: reminders.lockMs,
        ...(reminders.sendRatePerSecond > 0 ? { limiter: { max: reminders.sendRatePerSecond, duration: 1000 } } : {}),
      },
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'reminder worker error'));
    if (reminders.schedulers) await this.schedules.start();
    this.logger.log(
      { concurrency: reminders.concurrency, sendRate: reminders.sendRatePerSecond || 'unlimited' },
      'reminder worker started',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
