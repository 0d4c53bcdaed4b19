import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; HTTP latency by method, route pattern and status. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'accord_' });

export const httpDuration = new Histogram({
  name: 'accord_http_request_duration_seconds',
  help: 'HTTP request latency by route',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

type Collect<T extends string> = (gauge: Gauge<T>) => Promise<void>;
const scrapeCollectors = new Map<string, Array<Collect<string>>>();

/**
 * A gauge read at scrape time. Nest apps in one process (tests, an API beside an in-process worker)
 * share the registry: each app adds its collector, the newest one still open answers the scrape, and
 * the returned function (call it on module destroy) withdraws the app's collector, the gauge itself
 * with the last one, so a scrape never reaches a closed app's pool or queue.
 */
export function scrapeGauge<T extends string>(name: string, help: string, labelNames: T[], collect: Collect<T>): () => void {
  let collectors = scrapeCollectors.get(name);
  if (!collectors) {
    const live: Array<Collect<string>> = [];
    collectors = live;
    scrapeCollectors.set(name, live);
    registry.removeSingleMetric(name);
    new Gauge<T>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: Gauge<T>) {
        const newest = live[live.length - 1] as Collect<T> | undefined;
        return newest ? newest(this) : undefined;
      },
    });
  }
  const mine = collect as Collect<string>;
  collectors.push(mine);
  return () => {
    const live = scrapeCollectors.get(name);
    if (!live?.includes(mine)) return;
    live.splice(live.indexOf(mine), 1);
    if (live.length) return;
    scrapeCollectors.delete(name);
    registry.removeSingleMetric(name);
  };
}
