import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class ReminderMetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** For /metrics: counts by kind and status, and send latency quantiles over the last hour. */
  counts(): Promise<Array<{ kind: string; status: string; n: number }>> {
    return this.dataSource.query(`SELECT kind, status, count(*)::int AS n FROM reminders GROUP BY kind, status`);
  }

  latency(since: Date): Promise<Array<{ p50: number | null; p95: number | null; p99: number | null; n: number }>> {
    return this.dataSource.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY s) AS p99, count(*)::int AS n
       FROM (SELECT GREATEST(extract(epoch FROM sent_at - scheduled_for), 0) AS s FROM reminders WHERE status = 'sent' AND sent_at >= $1) x`,
      [since],
    );
  }
}
