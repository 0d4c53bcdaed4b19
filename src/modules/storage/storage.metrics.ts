import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { scrapeGauge } from '../metrics/metrics';
import { TableStorage } from './storage.repository';
import { StorageService } from './storage.service';

/** Table sizes on /metrics, read from PostgreSQL's catalogue at scrape time (one read serves the three gauges). */
@Injectable()
export class StorageMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly withdraw: Array<() => void> = [];

  constructor(private readonly storage: StorageService) {}

  onModuleInit(): void {
    const gauge = (name: string, help: string, value: (t: TableStorage) => number | null) => {
      this.withdraw.push(
        scrapeGauge(name, help, ['table'], async (g) => {
          g.reset();
          for (const t of await this.storage.tables()) {
            const v = value(t);
            if (v !== null) g.set({ table: t.table }, v);
          }
        }),
      );
    };
    gauge('accord_table_size_bytes', 'Table size on disk with indexes and TOAST', (t) => t.total_bytes);
    gauge('accord_table_rows_estimate', "Table rows, the planner's estimate", (t) => t.row_estimate);
    gauge('accord_table_oldest_row_timestamp_seconds', 'Oldest row kept (tables with a retention period)', (t) =>
      t.oldest_at ? new Date(t.oldest_at).getTime() / 1000 : null,
    );
  }

  onModuleDestroy(): void {
    for (const withdraw of this.withdraw.splice(0)) withdraw();
  }
}
