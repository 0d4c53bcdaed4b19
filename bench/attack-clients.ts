import autocannon from 'autocannon';
import { ms } from './events';

/** Parent → child messages of the attack bench: each child is either the attacker or the reader. */
export type AttackCommand =
  | { type: 'setup'; baseUrl: string; courseId: string; adminToken: string; studentToken: string }
  | { type: 'read' }
  | { type: 'stop-reading' }
  | { type: 'bulk'; rows: number; concurrent: number; seconds: number }
  | { type: 'deep'; levels: number; concurrent: number; seconds: number; perSecond?: number };

/** Child → parent: what the attack requests got, or the other user's read latencies. */
export type AttackReport =
  | { type: 'ready' }
  | { type: 'attacked'; requests: number; statuses: Record<string, number>; seconds: number; p50Ms: number; errors: number }
  | { type: 'reads'; latencies: number[] }
  | { type: 'error'; message: string };

/**
 * The attack bench's clients, forked by bench/attacks.ts twice: an attacker (autocannon, so the
 * attack is as fast as one client process can make it) and another user reading their
 * enrolments back to back in a process of its own (so its timings are the API's, not the
 * attacker's event loop). The bench process is the API alone.
 */
let setup: Extract<AttackCommand, { type: 'setup' }> | null = null;
let reading: Promise<number[]> | null = null;
let stop = false;

function ready(): Extract<AttackCommand, { type: 'setup' }> {
  if (!setup) throw new Error('not set up');
  return setup;
}

async function read(): Promise<void> {
  const res = await fetch(`${ready().baseUrl}/api/v1/me/enrolments`, { headers: { Authorization: `Bearer ${ready().studentToken}` } });
  const body = (await res.json()) as { data?: unknown[] };
  if (res.status !== 200 || !body.data?.length) throw new Error(`read failed: ${res.status}`);
}

async function readUntilStopped(): Promise<number[]> {
  const latencies: number[] = [];
  while (!stop) {
    const t = process.hrtime.bigint();
    await read();
    latencies.push(ms(t));
  }
  return latencies;
}

/** `concurrent` connections sending back to back, or (with `perSecond`) all at once that many times a second. */
async function attack(requests: autocannon.Request[], concurrent: number, seconds: number, perSecond?: number): Promise<AttackReport> {
  const result = await autocannon({
    url: ready().baseUrl,
    connections: concurrent,
    duration: seconds,
    requests,
    ...(perSecond ? { overallRate: perSecond } : {}),
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]),
  );
  return {
    type: 'attacked',
    requests: result.requests.total,
    statuses,
    seconds: result.duration,
    p50Ms: result.latency.p50,
    errors: result.errors + result.timeouts,
  };
}

async function handle(command: AttackCommand): Promise<AttackReport> {
  switch (command.type) {
    case 'setup':
      setup = command;
      for (let i = 0; i < 200; i += 1) await read(); // warm-up: JIT, keep-alive connection, session cache
      return { type: 'ready' };
    case 'read':
      stop = false;
      reading = readUntilStopped();
      return { type: 'ready' };
    case 'stop-reading':
      stop = true;
      return { type: 'reads', latencies: (await reading) ?? [] };
    case 'bulk': {
      const s = ready();
      // {"rows":[{},{},…]}: 1,000,000 empty rows in 3 MB, the request.
      const body = `{"rows":[${'{},'.repeat(command.rows - 1)}{}]}`;
      const headers = { authorization: `Bearer ${s.adminToken}`, 'content-type': 'application/json' };
      return attack(
        [{ method: 'POST', path: `/api/v1/courses/${s.courseId}/enrolments/bulk?dryRun=true`, headers, body }],
        command.concurrent,
        command.seconds,
      );
    }
    case 'deep': {
      const s = ready();
      const nested = '{"a":'.repeat(command.levels) + '1' + '}'.repeat(command.levels);
      const arrays = '['.repeat(command.levels) + ']'.repeat(command.levels);
      const json = { 'content-type': 'application/json' };
      return attack(
        [
          { method: 'POST', path: '/api/v1/auth/login', headers: json, body: arrays },
          { method: 'PATCH', path: '/api/v1/me', headers: { ...json, authorization: `Bearer ${s.adminToken}` }, body: nested },
          {
            method: 'POST',
            path: '/api/v1/progress/events',
            headers: { ...json, authorization: `Bearer ${s.studentToken}` },
            body: nested,
          },
        ],
        command.concurrent,
        command.seconds,
        command.perSecond,
      );
    }
  }
}

process.on('message', (command: AttackCommand) => {
  handle(command).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies AttackReport),
  );
});
