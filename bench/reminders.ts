import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { createTransport } from 'nodemailer';
import { appConfig, AppConfig } from '../src/config/env';
import { ReminderDispatcher } from '../src/modules/reminders/reminder-dispatcher';
import { WorkerModule } from '../src/worker.module';
import { api, ms, report, signIn, startBench } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('../../scripts/lib/mail-catcher') as {
  startMailCatcher: (o: { web: boolean; limit?: number }) => Promise<{ smtpUrl: string; messages: Array<{ messageId: string }>; clear(): void; close(): Promise<void> }>;
};

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 10_000);

/**
 * (a) Fan-out: assigning a module to a 10,000-student course, until every reminder row exists and
 * every due job is in BullMQ, against a raw `addBulk` of 10,000 jobs. (b) Delivery: the worker
 * sending those 10,000 due reminders into an in-process SMTP sink, against raw pooled nodemailer
 * sending 10,000 messages into the same sink. Duplicates are counted by Message-ID.
 */
async function main(): Promise<void> {
  const sink = await startMailCatcher({ web: false, limit: 50_000 });
  const ctx = await startBench('reminders', { SMTP_URL: sink.smtpUrl, REMINDER_SCHEDULERS: 'false', REMINDER_CONCURRENCY: '50', SMTP_POOL_SIZE: '5', DATABASE_POOL_SIZE: '30' });
  const config = ctx.app.get<AppConfig>(appConfig.KEY);
  try {
    const token = await signIn(ctx);
    const course = (await api<{ id: string }>(ctx, 'POST', '/api/v1/courses', token, { title: 'Fan-out' })).body.id;
    const material = (await api<{ id: string }>(ctx, 'POST', '/api/v1/materials', token, { title: 'Reading', kind: 'article', url: 'https://example.edu/r' })).body.id;
    const moduleId = (await api<{ id: string }>(ctx, 'POST', `/api/v1/courses/${course}/modules`, token, { title: 'Module' })).body.id;
    await api(ctx, 'POST', `/api/v1/modules/${moduleId}/items`, token, { materialId: material, completion: { type: 'view' } });
    await api(ctx, 'POST', `/api/v1/courses/${course}/publish`, token);
    await ctx.db.query(
      `WITH u AS (INSERT INTO users (email, name, role, timezone) SELECT 'fan' || g || '@bench.local', 'Student ' || g, 'student', 'UTC' FROM generate_series(1, $2) g RETURNING id)
       INSERT INTO enrolments (course_id, user_id, status) SELECT $1, id, 'active' FROM u`,
      [course, STUDENTS],
    );

    // (a) fan-out through the API
    const dispatcher = ctx.app.get(ReminderDispatcher, { strict: false });
    const t0 = process.hrtime.bigint();
    const created = await api<{ id: string }>(ctx, 'POST', `/api/v1/courses/${course}/assignments`, token, {
      moduleId,
      dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      target: { type: 'course' },
    });
    const requestMs = ms(t0);
    if (created.status !== 201) throw new Error(`assignment failed: ${created.status}`);
    const queued = await dispatcher.dispatch();
    const fanOutMs = ms(t0);
    const rows = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1', [created.body.id])).rows[0].n;
    if (queued !== STUDENTS || rows !== 3 * STUDENTS) throw new Error(`fan-out incomplete: ${queued} queued, ${rows} rows`);

    const raw = new Queue('raw-fanout', { connection: { url: config.redis.url, maxRetriesPerRequest: null }, prefix: `${config.redis.prefix}:bull` });
    const t1 = process.hrtime.bigint();
    await raw.addBulk(Array.from({ length: STUDENTS }, (_, i) => ({ name: 'send', data: { reminderId: `raw-${i}` }, opts: { jobId: `raw-${i}`, removeOnComplete: true } })));
    const rawFanOutMs = ms(t1);
    await raw.obliterate({ force: true });
    await raw.close();

    // (b) delivery by the worker
    sink.clear();
    const t2 = process.hrtime.bigint();
    const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await worker.init();
    for (;;) {
      const { rows: sent } = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1 AND status = 'sent'", [created.body.id]);
      if (sent[0].n >= STUDENTS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const deliveryMs = ms(t2);
    await worker.close();
    const delivered = sink.messages.length;
    const duplicates = delivered - new Set(sink.messages.map((m) => m.messageId)).size;

    sink.clear();
    const transport = createTransport({ url: sink.smtpUrl, pool: true, maxConnections: config.mail.poolSize } as never);
    const t3 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < STUDENTS) {
          const i = next++;
          await transport.sendMail({ from: config.mail.from, to: `fan${i}@bench.local`, subject: `Raw ${i}`, text: 'Raw message', html: '<p>Raw message</p>', messageId: `<raw-${i}@bench>` });
        }
      }),
    );
    const rawDeliveryMs = ms(t3);
    transport.close();

    const fanOutRatio = Math.round((fanOutMs / rawFanOutMs) * 100) / 100;
    const deliveryRatio = Math.round((deliveryMs / rawDeliveryMs) * 100) / 100;
    report({
      bench: 'reminders',
      figures: {
        students: STUDENTS,
        assignmentRequestMs: Math.round(requestMs),
        fanOutMs: Math.round(fanOutMs),
        reminderRows: rows,
        deliveryMs: Math.round(deliveryMs),
        delivered,
        duplicates,
        fanOutRatio,
        deliveryRatio,
      },
      baseline: { rawAddBulkMs: Math.round(rawFanOutMs), rawNodemailerMs: Math.round(rawDeliveryMs) },
      ratio: deliveryRatio,
      goal: 'fan-out ≤ 2x raw addBulk (request < 2 s); delivery ≤ 3x raw pooled nodemailer; zero duplicates',
      meetsGoal: fanOutRatio <= 2 && requestMs < 2000 && deliveryRatio <= 3 && duplicates === 0 && delivered === STUDENTS,
    });
  } finally {
    await ctx.close();
    await sink.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
