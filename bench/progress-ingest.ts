import { fork } from 'child_process';
import { join } from 'path';
import { round } from './events';
import { accessTokens, createCourse, percentile, seedStudents } from './fixtures';
import { report, signIn, startBench } from './harness';
import type { ClientCommand, ClientReport } from './ingest-clients';

const STUDENTS = 1_000;
const CLIENTS = 4;
const BATCH = 100;
const ROUNDS = 5;
const BATCHES_PER_ROUND = 30; // per client
const WARMUP_BATCHES = 20;

/** The forked load generator, one command at a time. */
function loadGenerator(): { send(command: ClientCommand): Promise<ClientReport>; stop(): void } {
  const child = fork(join(__dirname, 'ingest-clients.js'), [], { stdio: 'inherit' });
  return {
    send: (command) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (reply: ClientReport) => {
          child.off('exit', onExit);
          if (reply.type === 'error') reject(new Error(`load generator: ${reply.message}`));
          else resolve(reply);
        });
        child.send(command);
      }),
    stop: () => child.kill(),
  };
}

/**
 * Progress ingestion: 1,000 enrolled students, 4 concurrent clients posting batches of 100 events
 * (one student's each) through the API, against a raw multi-row INSERT of as many rows into a
 * copy of progress_events over 4 concurrent pg clients, in one run. Both workloads run in a
 * forked load generator (bench/ingest-clients.ts), so this process is the API alone: its event
 * loop, and the RSS sampled during the API rounds.
 */
async function main(): Promise<void> {
  const ctx = await startBench('progress');
  const clients = loadGenerator();
  let maxRss = process.memoryUsage().rss;
  try {
    const admin = await signIn(ctx);
    const course = await createCourse(ctx, admin, 'Bench ingestion', 5, 6);
    const students = await seedStudents(ctx, course.id, STUDENTS, 'ingest.bench');
    const tokens = accessTokens(
      ctx,
      students.map((s) => s.userId),
    );
    await ctx.db.query('CREATE TABLE bench_raw_events (LIKE progress_events INCLUDING ALL)'); // the baseline's table: same columns, keys and indexes
    await clients.send({
      type: 'setup',
      baseUrl: ctx.baseUrl,
      databaseUrl: ctx.databaseUrl,
      students: students.map((s, i) => ({ ...s, token: tokens[i] })),
      items: course.items,
      clients: CLIENTS,
      batchesPerRound: BATCHES_PER_ROUND,
      batchSize: BATCH,
    });
    // Warm-up (JIT, pool connections, prepared statements), not measured.
    await clients.send({ type: 'warmup', batches: WARMUP_BATCHES });
    await ctx.db.query('ANALYZE');

    // Rounds alternate the API and the baseline, so both see the same noise on a shared machine; RSS is sampled during API rounds.
    const latencies: number[] = [];
    const rawLatencies: number[] = [];
    let apiMs = 0;
    let rawMs = 0;
    const run = async (type: 'api-round' | 'raw-round') => {
      const result = await clients.send({ type });
      if (result.type !== 'round') throw new Error(`unexpected reply ${result.type}`);
      return result;
    };
    for (let r = 0; r < ROUNDS; r += 1) {
      const sampler = setInterval(() => {
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }, 25);
      const api = await run('api-round').finally(() => clearInterval(sampler));
      apiMs += api.ms;
      latencies.push(...api.latencies);
      const raw = await run('raw-round');
      rawMs += raw.ms;
      rawLatencies.push(...raw.latencies);
    }
    await clients.send({ type: 'stop' });
    const events = CLIENTS * BATCHES_PER_ROUND * ROUNDS * BATCH;
    const stored = await ctx.db.query<{ api: number; raw: number }>(
      'SELECT (SELECT count(*)::int FROM progress_events) AS api, (SELECT count(*)::int FROM bench_raw_events) AS raw',
    );
    if (stored.rows[0].api !== events + WARMUP_BATCHES * BATCH || stored.rows[0].raw !== events)
      throw new Error(`row counts differ: ${JSON.stringify(stored.rows[0])}`);

    const eventsPerSecond = (events / apiMs) * 1000;
    const rawEventsPerSecond = (events / rawMs) * 1000;
    const ratio = round(eventsPerSecond / rawEventsPerSecond, 2);
    const p99 = percentile(latencies, 99);
    const rssMB = maxRss / 1e6;
    report({
      bench: 'progress-ingest',
      figures: {
        students: STUDENTS,
        clients: CLIENTS,
        batchSize: BATCH,
        events,
        apiMs: Math.round(apiMs),
        eventsPerSecond: Math.round(eventsPerSecond),
        p50BatchMs: round(percentile(latencies, 50)),
        p99BatchMs: round(p99),
        maxRssMB: Math.round(rssMB),
      },
      baseline: {
        rawMs: Math.round(rawMs),
        rawEventsPerSecond: Math.round(rawEventsPerSecond),
        rawP50BatchMs: round(percentile(rawLatencies, 50)),
        rawP99BatchMs: round(percentile(rawLatencies, 99)),
      },
      ratio,
      goal: 'events/s at least 0.25x the raw multi-row insert, p99 batch latency under 100 ms, API process RSS under 250 MB',
      meetsGoal: ratio >= 0.25 && p99 < 100 && rssMB < 250,
    });
  } finally {
    clients.stop();
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
