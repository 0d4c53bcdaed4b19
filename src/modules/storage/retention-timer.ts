import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { StorageRetention } from './storage-retention';

/** First run shortly after start, so workers restarted more often than RETENTION_INTERVAL_MS still run it. */
const FIRST_RUN_MS = 30_000;

/**
 * Runs the retention job every RETENTION_INTERVAL_MS in the worker process. A plain timer, not a
 * BullMQ scheduler: the job needs no Redis, and an advisory lock in PostgreSQL keeps two workers
 * from running it at once. Off when RETENTION_INTERVAL_MS=0 or REMINDER_SCHEDULERS=false (tests run it by hand).
 */
@Injectable()
export class RetentionTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly retention: StorageRetention,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { intervalMs } = this.config.retention;
    if (intervalMs > 0 && this.config.reminders.schedulers) this.arm(Math.min(FIRST_RUN_MS, intervalMs));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.retention
        .run()
        .catch((error: unknown) => this.logger.error({ err: error }, 'retention pass failed'))
        .finally(() => {
          this.running = null;
          this.arm(this.config.retention.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
