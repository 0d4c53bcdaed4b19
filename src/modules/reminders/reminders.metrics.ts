import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { scrapeGauge } from '../metrics/metrics';
import { Clock } from '../../common/clock';
import { ReminderMetricsRepository } from './reminder-metrics.repository';
import { ReminderQueueDepth } from './reminder-queue-depth';

/** Reminder metrics, read from PostgreSQL and Redis at scrape time, so every API process reports the same truth. */
@Injectable()
export class RemindersMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly withdraw: Array<() => void> = [];

  constructor(
    private readonly reminders: ReminderMetricsRepository,
    private readonly depth: ReminderQueueDepth,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const gauge: typeof scrapeGauge = (...args) => {
      const withdraw = scrapeGauge(...args);
      this.withdraw.push(withdraw);
      return withdraw;
    };
    gauge('accord_reminders', 'Reminder rows by kind and status', ['kind', 'status'], async (g) => {
      g.reset();
      for (const row of await this.reminders.counts()) g.set({ kind: row.kind, status: row.status }, row.n);
    });
    gauge('accord_reminder_send_latency_seconds', 'scheduledFor → sent over the last hour', ['quantile'], async (g) => {
      g.reset();
      const [row] = await this.reminders.latency(new Date(this.clock.now().getTime() - 3600_000));
      const quantiles = { p50: '0.5', p95: '0.95', p99: '0.99' } as const;
      if (row?.n) for (const [key, quantile] of Object.entries(quantiles)) g.set({ quantile }, Number(row[key as keyof typeof quantiles]));
    });
    gauge('accord_reminder_queue_depth', 'Reminder jobs in BullMQ by state', ['state'], async (g) => {
      g.reset();
      const counts = await this.depth.counts().catch(() => ({}));
      for (const [state, n] of Object.entries(counts)) g.set({ state }, n);
    });
  }

  /** A closed app (the worker, a test's app) leaves nothing on /metrics that would read its closed pool. */
  onModuleDestroy(): void {
    for (const withdraw of this.withdraw.splice(0)) withdraw();
  }
}
