import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
