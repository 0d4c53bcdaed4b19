import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { registry } from '../metrics/metrics';
import { TableStorage } from './storage.repository';
import { StorageService } from './storage.service';

/** Table sizes on /metrics, read from PostgreSQL's catalogue at scrape time (one read serves the three gauges). */
@Injectable()
export class StorageMetrics implements OnModuleInit {
  constructor(private readonly storage: StorageService) {}

  onModuleInit(): void {
    const gauge = (name: string, help: string, value: (t: TableStorage) => number | null) => {
      registry.removeSingleMetric(name); // one app per process in production; tests create several
      const storage = this.storage;
      new Gauge({
        name,
        help,
        labelNames: ['table'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const t of await storage.tables()) {
            const v = value(t);
            if (v !== null) this.set({ table: t.table }, v);
          }
        },
      });
    };
    gauge('accord_table_size_bytes', 'Table size on disk with indexes and TOAST', (t) => t.total_bytes);
    gauge('accord_table_rows_estimate', "Table rows, the planner's estimate", (t) => t.row_estimate);
    gauge('accord_table_oldest_row_timestamp_seconds', 'Oldest row kept (tables with a retention period)', (t) =>
      t.oldest_at ? new Date(t.oldest_at).getTime() / 1000 : null,
    );
  }
}
