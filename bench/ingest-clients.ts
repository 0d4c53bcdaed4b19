import { Client } from 'pg';
import type { BenchItem, EventRow } from './events';
import { batchOf, ms, pick } from './events';

export interface Student {
  userId: string;
  enrolmentId: string;
  token: string;
}

/** Parent → child messages of the ingestion bench. */
export type ClientCommand =
  | {
      type: 'setup';
      baseUrl: string;
      databaseUrl: string;
      students: Student[];
      items: BenchItem[];
      clients: number;
      batchesPerRound: number;
      batchSize: number;
    }
  | { type: 'warmup'; batches: number }
  | { type: 'api-round' }
  | { type: 'raw-round' }
  | { type: 'stop' };

/** Child → parent messages: a round's wall time and per-batch latencies, or a failure. */
export type ClientReport = { type: 'ready' } | { type: 'round'; ms: number; latencies: number[] } | { type: 'error'; message: string };

/**
 * The ingestion bench's load generator, forked by bench/progress-ingest.ts: both workloads run
 * here, so the bench process is the API alone (its event loop, its RSS). Each round, `clients`
 * concurrent clients send `batchesPerRound` batches each, through the API (fetch) or as raw
 * multi-row INSERTs into bench_raw_events (pg); bodies and parameters are built untimed.
 */
let setup: Extract<ClientCommand, { type: 'setup' }> | null = null;
let raw: Client[] = [];

function ready(): Extract<ClientCommand, { type: 'setup' }> {
  if (!setup) throw new Error('not set up');
  return setup;
}

async function post(token: string, body: string, expected: number): Promise<void> {
  const res = await fetch(`${ready().baseUrl}/api/v1/progress/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body,
  });
  const result = (await res.json()) as { accepted: number };
  if (res.status !== 200 || result.accepted !== expected)
    throw new Error(`batch failed: ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
}

/** One student's batch as an API request. */
function request(): { token: string; body: string } {
  const s = ready();
  return { token: pick(s.students).token, body: JSON.stringify({ events: batchOf(s.items, s.batchSize) }) };
}

/** One student's batch as the same rows in a multi-row INSERT with bound parameters. */
function insert(): { text: string; params: unknown[] } {
  const s = ready();
  const who = pick(s.students);
  const params: unknown[] = [];
  const values = batchOf(s.items, s.batchSize).map((e: EventRow) => {
    const watched = e.watchedSegments ? `{${e.watchedSegments.map(([a, b]) => `[${a},${b})`).join(',')}}` : null;
    params.push(
      who.userId,
      e.eventId,
      who.enrolmentId,
      e.itemId,
      e.type,
      e.positionSeconds ?? null,
      e.percent ?? null,
      watched,
      e.occurredAt,
    );
    const n = params.length;
    return `($${n - 8}, $${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  return {
    text: `INSERT INTO bench_raw_events (user_id, event_id, enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at) VALUES ${values.join(',')}`,
    params,
  };
}

/** Runs `clients` concurrent loops over their prepared work, timing each unit and the whole. */
async function timed<T>(make: () => T, send: (work: T, client: number) => Promise<void>): Promise<ClientReport> {
  const s = ready();
  const work = Array.from({ length: s.clients }, () => Array.from({ length: s.batchesPerRound }, make));
  const latencies: number[] = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    work.map(async (units, client) => {
      for (const unit of units) {
        const t = process.hrtime.bigint();
        await send(unit, client);
        latencies.push(ms(t));
      }
    }),
  );
  return { type: 'round', ms: ms(t0), latencies };
}

async function handle(command: ClientCommand): Promise<ClientReport> {
  switch (command.type) {
    case 'setup':
      setup = command;
      raw = await Promise.all(
        Array.from({ length: command.clients }, async () => {
          const c = new Client({ connectionString: command.databaseUrl });
          await c.connect();
          return c;
        }),
      );
      return { type: 'ready' };
    case 'warmup':
      for (let i = 0; i < command.batches; i += 1) {
        const r = request();
        await post(r.token, r.body, ready().batchSize);
      }
      return { type: 'ready' };
    case 'api-round':
      return timed(request, (r) => post(r.token, r.body, ready().batchSize));
    case 'raw-round':
      return timed(insert, async (q, client) => void (await raw[client].query(q.text, q.params)));
    case 'stop':
      await Promise.all(raw.map((c) => c.end()));
      return { type: 'ready' };
  }
}

process.on('message', (command: ClientCommand) => {
  handle(command).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ClientReport),
  );
});
