import { getQueueToken } from '@nestjs/bullmq';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { generateKeyPairSync } from 'crypto';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '../src/config/env';
import { APP_CONFIG } from '../src/config/env';
import { bullConnection, QueueName } from '../src/modules/jobs/queues';
import { ReminderDispatch } from '../src/modules/reminders/reminder-dispatch';
import { WorkerModule } from '../src/worker.module';
import { api, ms, report, signIn, startBench } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startMailCatcher } = require('../../scripts/lib/mail-catcher') as {
  startMailCatcher: (o: {
    web: boolean;
    limit?: number;
  }) => Promise<{ smtpUrl: string; messages: Array<{ messageId: string }>; clear(): void; close(): Promise<void> }>;
};

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 10_000);
const WARM_UP = 1_000;
/** BENCH_DKIM=1: every email (Accord's and the raw baseline's) is DKIM-signed with a fresh 2048-bit RSA key. */
const DKIM = process.env.BENCH_DKIM === '1';
const dkimKey = DKIM
  ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  : null;
const DKIM_ENV: Record<string, string> = dkimKey ? { DKIM_DOMAIN: 'bench.local', DKIM_SELECTOR: 'bench', DKIM_PRIVATE_KEY: dkimKey } : {};

/**
 * (a) Fan-out: assigning a module to a 10,000-student course, until every reminder row exists and
 * every due job is in BullMQ, against a raw `addBulk` of 10,000 jobs. (b) Delivery: the worker
 * sending those 10,000 due reminders into an in-process SMTP sink, against raw pooled nodemailer
 * sending 10,000 messages into the same sink. Duplicates are counted by Message-ID.
 */
async function main(): Promise<void> {
  const sink = await startMailCatcher({ web: false, limit: 50_000 });
  const ctx = await startBench('reminders', {
    SMTP_URL: sink.smtpUrl,
    REMINDER_SCHEDULERS: 'false',
    REMINDER_CONCURRENCY: '50',
    SMTP_POOL_SIZE: '5',
    DATABASE_POOL_SIZE: '30',
    ...DKIM_ENV,
  });
  const config = ctx.app.get<AppConfig>(APP_CONFIG);
  try {
    const token = await signIn(ctx);
    const courseOf = async (students: number, tag: string): Promise<{ course: string; moduleId: string }> => {
      const course = (await api<{ id: string }>(ctx, 'POST', '/api/v1/courses', token, { title: `Fan-out ${tag}` })).body.id;
      const material = (
        await api<{ id: string }>(ctx, 'POST', '/api/v1/materials', token, {
          title: 'Reading',
          kind: 'article',
          url: 'https://example.edu/r',
        })
      ).body.id;
      const moduleId = (await api<{ id: string }>(ctx, 'POST', `/api/v1/courses/${course}/modules`, token, { title: 'Module' })).body.id;
      await api(ctx, 'POST', `/api/v1/modules/${moduleId}/items`, token, { materialId: material, completion: { type: 'view' } });
      await api(ctx, 'POST', `/api/v1/courses/${course}/publish`, token);
      await ctx.db.query(
        `WITH u AS (INSERT INTO users (email, name, role, timezone) SELECT $3 || g || '@bench.local', 'Student ' || g, 'student', 'UTC' FROM generate_series(1, $2) g RETURNING id)
         INSERT INTO enrolments (course_id, user_id, status) SELECT $1, id, 'active' FROM u`,
        [course, students, tag],
      );
      return { course, moduleId };
    };
    const assign = (target: { course: string; moduleId: string }) =>
      api<{ id: string }>(ctx, 'POST', `/api/v1/courses/${target.course}/assignments`, token, {
        moduleId: target.moduleId,
        dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        target: { type: 'course' },
      });
    const dispatcher = ctx.app.get(ReminderDispatch, { strict: false });
    const queue = ctx.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    const raw = new Queue('raw-fanout', {
      ...bullConnection(config.redis),
    });
    const rawJobs = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        name: 'send',
        data: { reminderId: `${tag}-${i}` },
        opts: { jobId: `${tag}-${i}`, removeOnComplete: true },
      }));

    // Both paths warmed up first (JIT, connections), so neither pays for the other's first run.
    const warm = await assign(await courseOf(WARM_UP, 'warm'));
    await api(ctx, 'DELETE', `/api/v1/assignments/${warm.body.id}`, token);
    await queue.drain(true);
    await raw.addBulk(rawJobs(WARM_UP, 'warm'));
    await raw.obliterate({ force: true });

    const target = await courseOf(STUDENTS, 'fan');
    // (a) fan-out through the API: the request hands the due notices to the queue itself; the
    // dispatcher's pass afterwards must find nothing left to queue.
    const t0 = process.hrtime.bigint();
    const created = await assign(target);
    const requestMs = ms(t0);
    if (created.status !== 201) throw new Error(`assignment failed: ${created.status}`);
    const left = await dispatcher.run();
    const fanOutMs = ms(t0);
    const queued = (await queue.getJobCounts('waiting')).waiting;
    const rows = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1', [created.body.id]))
      .rows[0].n;
    if (left !== 0 || queued !== STUDENTS || rows !== 3 * STUDENTS)
      throw new Error(`fan-out incomplete: ${queued} jobs waiting (${left} left to the dispatcher), ${rows} rows`);

    const t1 = process.hrtime.bigint();
    await raw.addBulk(rawJobs(STUDENTS, 'raw'));
    const rawFanOutMs = ms(t1);
    await raw.obliterate({ force: true });
    await raw.close();

    // (b) delivery by the worker
    sink.clear();
    const t2 = process.hrtime.bigint();
    const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await worker.init();
    for (;;) {
      const { rows: sent } = await ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1 AND status = 'sent'",
        [created.body.id],
      );
      if (sent[0].n >= STUDENTS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const deliveryMs = ms(t2);
    await worker.close();
    const delivered = sink.messages.length;
    const duplicates = delivered - new Set(sink.messages.map((m) => m.messageId)).size;

    sink.clear();
    const transport = createTransport({
      url: sink.smtpUrl,
      pool: true,
      maxConnections: config.mail.poolSize,
      ...(dkimKey && { dkim: { domainName: 'bench.local', keySelector: 'bench', privateKey: dkimKey } }),
    } as never);
    const t3 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < STUDENTS) {
          const i = next++;
          await transport.sendMail({
            from: config.mail.from,
            to: `fan${i}@bench.local`,
            subject: `Raw ${i}`,
            text: 'Raw message',
            html: '<p>Raw message</p>',
            messageId: `<raw-${i}@bench>`,
          });
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
        dkimSigned: DKIM ? 1 : 0,
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
