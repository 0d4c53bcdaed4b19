import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Clock } from '../src/common/clock';
import type { AppConfig } from '../src/config/env';
import { APP_CONFIG } from '../src/config/env';
import { keyspace } from '../src/modules/redis/redis-connection';
import type { ReminderJobData } from '../src/modules/jobs/queues';
import { QueueName, reminderJobId } from '../src/modules/jobs/queues';
import { ReminderReconciler } from '../src/modules/reminders/reminder-reconciler';
import { ReminderQueue } from '../src/modules/reminders/reminder-queue';
import { ReminderSchedules } from '../src/modules/reminders/reminder-schedules';
import { api, ms, report, signIn, startBench } from './harness';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);

/**
 * Recovery after Redis lost its data with `ROWS` reminders `queued` (their send jobs delayed in
 * BullMQ): the schedule watchdog's repair, from the moment it starts until the dispatch scheduler
 * exists again and until every row is back to `scheduled`. The baseline is looking the lost jobs
 * up one round trip after another, as the reconciler did before. No worker runs, so nothing is sent.
 */
async function main(): Promise<void> {
  const ctx = await startBench('reminders-recovery', { REMINDER_SCHEDULERS: 'false', DATABASE_POOL_SIZE: '10' });
  const config = ctx.app.get<AppConfig>(APP_CONFIG);
  const queue = ctx.app.get<Queue<ReminderJobData>>(getQueueToken(QueueName.Reminders), { strict: false });
  const reconciler = ctx.app.get(ReminderReconciler, { strict: false });
  const redis = new Redis(config.redis.url!);
  const loseEverything = async () => {
    const keys = await redis.keys(`${keyspace(config.redis.prefix)}:bull:*`);
    for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  };
  try {
    const token = await signIn(ctx);
    const course = (await api<{ id: string }>(ctx, 'POST', '/api/v1/courses', token, { title: 'Recovery' })).body.id;
    const { rows } = await ctx.db.query<{ id: string; scheduledFor: Date }>(
      `WITH u AS (INSERT INTO users (email, name, role, timezone) SELECT 'r' || g || '@bench.local', 'Student ' || g, 'student', 'UTC' FROM generate_series(1, $2) g RETURNING id),
            e AS (INSERT INTO enrolments (course_id, user_id, status) SELECT $1, id, 'active' FROM u RETURNING id, user_id)
       INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, updated_at)
       SELECT 'inactivity', user_id, id, 'bench:' || id, now() + interval '1 day', 'queued', now() - interval '1 minute' FROM e
       RETURNING id, scheduled_for AS "scheduledFor"`,
      [course, ROWS],
    );
    await ctx.app.get(ReminderQueue, { strict: false }).add(rows, new Date());
    if ((await queue.getJobCounts('delayed')).delayed !== ROWS) throw new Error('the send jobs were not all queued');

    // A reconciler pass over live jobs (nothing to release): what the regular schedule costs.
    const t0 = process.hrtime.bigint();
    const releasedLive = await reconciler.run(new Date());
    const livePassMs = ms(t0);

    const schedules = new ReminderSchedules(queue, reconciler, config, ctx.app.get(Clock, { strict: false }));
    await schedules.start();
    await loseEverything();
    const t1 = process.hrtime.bigint();
    let dispatcherBackMs = NaN;
    const upsert = queue.upsertJobScheduler.bind(queue);
    queue.upsertJobScheduler = ((...args: Parameters<typeof upsert>) => {
      if (args[0] === 'reminder-dispatch' && Number.isNaN(dispatcherBackMs)) dispatcherBackMs = ms(t1);
      return upsert(...args);
    }) as typeof upsert;
    await schedules.check();
    const recoveryMs = ms(t1);
    await schedules.onModuleDestroy();
    const released = (await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM reminders WHERE status = 'scheduled'")).rows[0].n;

    // Before: one round trip per row (the job is gone, so `getJob` answers and `getState` is skipped).
    const t2 = process.hrtime.bigint();
    for (const row of rows) await queue.getJob(reminderJobId(row.id));
    const baselineMs = ms(t2);

    const ratio = Math.round((recoveryMs / baselineMs) * 100) / 100;
    report({
      bench: 'reminders-recovery',
      figures: {
        queuedRows: ROWS,
        released,
        releasedLive,
        livePassMs: Math.round(livePassMs),
        dispatcherBackMs: Math.round(dispatcherBackMs),
        recoveryMs: Math.round(recoveryMs),
      },
      baseline: { sequentialLookupsMs: Math.round(baselineMs) },
      ratio,
      goal: 'dispatch scheduler back within 0.5 s and every lost row released within 2 s (10,000 rows)',
      meetsGoal: released === ROWS && releasedLive === 0 && dispatcherBackMs < 500 && recoveryMs < 2_000,
    });
  } finally {
    redis.disconnect();
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
