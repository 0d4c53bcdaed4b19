import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import { within } from '../../common/within';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { QueueName, ReminderJob, ReminderJobData } from '../jobs/queues';
import { ReminderReconciler } from './reminder-reconciler';

interface Schedule {
  id: string;
  job: ReminderJob;
  everyMs: number;
}

/** States in which a scheduler's next job will still run (and, once active, add the one after). */
const WILL_RUN = new Set(['delayed', 'waiting', 'prioritized', 'active', 'waiting-children']);

/** Reconciler passes (5,000 rows each) run at once after a loss; any rest is left to the reconciler's own schedule. */
const RECOVERY_PASSES = 20;

/** How long closing waits for a check in flight (it may be stuck waiting for Redis). */
const STOP_WAIT_MS = 1_000;

/**
 * The repeatable dispatch, reconcile, inactivity-scan, digest-send and at-risk-alerts jobs, kept alive. BullMQ keeps job
 * schedulers only in Redis, so a FLUSHALL, a restart without persistence or a failover to an
 * empty replica would stop every reminder for good. Each worker registers them at start, then
 * checks every scheduler and its pending job on a real-time timer (REMINDER_WATCHDOG_INTERVAL_MS)
 * and whenever its Redis connection comes back, and re-creates what is missing.
 *
 * Missing schedulers mean Redis lost data, so the send jobs of `queued` rows are gone as well: the
 * reconciler runs at once over every row queued before the check began (not only those queued for
 * its usual 30 s). Its first pass comes before the schedulers are re-created, so the dispatcher's
 * first run (immediately) queues those rows again; further passes run after, so a large backlog
 * does not hold the dispatcher up, and what they release goes at its next run. Several workers may
 * repair at the same time: upserting a scheduler is idempotent, and a reminder is sent only by
 * whoever claims its row.
 */
@Injectable()
export class ReminderSchedules implements OnModuleDestroy {
  private readonly logger = new Logger(ReminderSchedules.name);
  private readonly schedules: Schedule[];
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  private stopped = true;
  private connection: { on(event: 'ready', f: () => void): unknown; off(event: 'ready', f: () => void): unknown } | null = null;
  private readonly onReconnect = () => void this.check();

  constructor(
    @InjectQueue(QueueName.Reminders) private readonly queue: Queue<ReminderJobData>,
    private readonly reconciler: ReminderReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const { dispatchIntervalMs, reconcileIntervalMs, inactivityScanIntervalMs, atRiskAlertIntervalMs } = config.reminders;
    this.schedules = [
      { id: 'reminder-dispatch', job: ReminderJob.Dispatch, everyMs: dispatchIntervalMs },
      { id: 'reminder-reconcile', job: ReminderJob.Reconcile, everyMs: reconcileIntervalMs },
      { id: 'inactivity-scan', job: ReminderJob.ScanInactivity, everyMs: inactivityScanIntervalMs },
      { id: 'at-risk-alerts', job: ReminderJob.AtRiskAlerts, everyMs: atRiskAlertIntervalMs },
      { id: 'digest-send', job: ReminderJob.SendDigests, everyMs: dispatchIntervalMs },
    ];
  }

  /** Registers every scheduler (taking up changed intervals) and starts watching them. */
  async start(): Promise<void> {
    this.stopped = false;
    const since = this.clock.now();
    const missing = await this.faults();
    // A first start, or Redis lost its data while no worker ran.
    if (missing.length) this.logger.log({ schedulers: missing.map((f) => f.id) }, 'reminder schedulers were not in Redis; creating them');
    await this.restore(this.schedules, missing.length ? since : null);
    this.connection = await this.queue.getBackend().client;
    this.connection.on('ready', this.onReconnect);
    this.arm();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connection?.off('ready', this.onReconnect);
    this.connection = null;
    if (this.checking) await within(STOP_WAIT_MS, this.checking).catch(() => undefined);
  }

  /** One check and repair; never two at once (one asked for meanwhile runs right after). */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = this.repair()
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'checking the reminder schedulers failed; trying again at the next tick'),
      )
      .finally(() => {
        this.checking = null;
        if (this.checkAgain) {
          this.checkAgain = false;
          void this.check();
        }
      });
    return this.checking;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check().finally(() => this.arm()), this.config.reminders.watchdogIntervalMs);
    this.timer.unref();
  }

  private async repair(): Promise<void> {
    const since = this.clock.now();
    const faults = await this.faults();
    if (!faults.length) return;
    this.logger.warn({ schedulers: faults }, 'reminder schedulers were gone from Redis (did it lose its data?); re-creating them');
    await this.restore(
      this.schedules.filter((s) => faults.some((f) => f.id === s.id)),
      since,
    );
  }

  /**
   * Upserts `schedules`. After a loss, rows queued before `lostBefore` lost their send jobs: one
   * reconciler pass first (the oldest 5,000), the rest once the schedulers exist again. The cutoff
   * keeps the later passes off rows the new dispatcher is queueing meanwhile.
   */
  private async restore(schedules: Schedule[], lostBefore: Date | null): Promise<void> {
    let more = lostBefore !== null && (await this.recoverSendJobs(lostBefore));
    for (const schedule of schedules) await this.upsert(schedule);
    for (let pass = 1; lostBefore && more && pass < RECOVERY_PASSES && !this.stopped; pass++) more = await this.recoverSendJobs(lostBefore);
  }

  /** Which schedulers will not run again, and why. */
  private async faults(): Promise<Array<{ id: string; problem: string }>> {
    const faults: Array<{ id: string; problem: string }> = [];
    for (const { id } of this.schedules) {
      const scheduler = await this.queue.getJobScheduler(id);
      if (!scheduler) {
        faults.push({ id, problem: 'missing' });
        continue;
      }
      // The scheduler survived but its pending job did not (or finished without adding the next one).
      const job = scheduler.next ? await this.queue.getJob(`repeat:${id}:${scheduler.next}`) : undefined;
      const state = job ? await job.getState() : 'missing';
      if (WILL_RUN.has(state)) continue;
      // It may just have run and moved on between the two reads.
      if ((await this.queue.getJobScheduler(id))?.next !== scheduler.next) continue;
      faults.push({ id, problem: `next job ${state}` });
    }
    return faults;
  }

  /** One reconciler pass: `queued` rows whose send job went with the data go back to `scheduled`. Whether another pass may find more. */
  private async recoverSendJobs(lostBefore: Date): Promise<boolean> {
    try {
      return (await this.reconciler.run(lostBefore)) > 0;
    } catch (error) {
      this.logger.error({ err: error }, 'reconciling after Redis lost its data failed; the reconciler will catch up');
      return false;
    }
  }

  private upsert({ id, job, everyMs }: Schedule) {
    return this.queue.upsertJobScheduler(id, { every: everyMs }, { name: job, opts: { removeOnComplete: true, removeOnFail: 100 } });
  }
}
