import { getQueueToken } from '@nestjs/bullmq';
import autocannon from 'autocannon';
import type { Queue } from 'bullmq';
import { execFileSync, fork } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { MY_LIST_MAX } from '../src/common/limits';
import { AssignmentsRepository } from '../src/modules/assignments/assignments.repository';
import { EnrolmentsRepository } from '../src/modules/enrolments/enrolments.repository';
import { CourseViewRepository } from '../src/modules/progress/course-view.repository';
import { appliesTo, effectiveDue } from '../src/modules/assignments/assignment-scope';
import { QueueName } from '../src/modules/jobs/queues';
import { ProgressReportRepository } from '../src/modules/progress/progress-report.repository';
import { ProgressWritesRepository } from '../src/modules/progress/progress-writes.repository';
import { ReminderDispatch } from '../src/modules/reminders/reminder-dispatch';
import { round } from './events';
import { accessTokens, createCourse, percentile, seedStudents } from './fixtures';
import type { BenchContext } from './harness';
import { api, machine, ms, root, signIn, startBench } from './harness';
import type { ClientCommand, ClientReport } from './ingest-clients';

/** Sizes from the environment (comma-separated), the sizes by default; a smaller run gives a first curve faster. */
const sizes = (name: string, fallback: number[]): number[] =>
  process.env[name] ? process.env[name].split(',').map((s) => Number(s.trim().replace(/_/g, ''))) : fallback;

const REPORT_SIZES = sizes('BENCH_SCALE_REPORT', [1_000, 10_000, 100_000]);
const STORED_EVENTS = sizes('BENCH_SCALE_EVENTS', [0, 1_000_000, 10_000_000]);
const FUTURE_REMINDERS = sizes('BENCH_SCALE_REMINDERS', [10_000, 100_000, 1_000_000]);
const FAN_OUT = sizes('BENCH_SCALE_FANOUT', [100_000])[0];
const READ_STUDENTS = sizes('BENCH_SCALE_READ_STUDENTS', [1_000, 100_000]);
const READ_COURSES = sizes('BENCH_SCALE_READ_COURSES', [1, 100]);
const ONLY = process.env.BENCH_SCALE_ONLY?.split(',');
const runs = (part: string) => !ONLY || ONLY.includes(part);

const PAGE_RUNS = 30;
const INGEST_CLIENTS = 4;
const INGEST_BATCH = 100;
const INGEST_BATCHES = 40; // per client per size
const DISPATCH_RUNS = 7;
const READ_SECONDS = Number(process.env.BENCH_SCALE_READ_SECONDS ?? 3);
const READ_ROUNDS = Number(process.env.BENCH_SCALE_READ_ROUNDS ?? 7);
const READ_STATEMENT_RUNS = 500;
const median = (xs: number[]) => percentile(xs, 50);

const log = (line: string) => process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const loadNow = () => loadavg().map((l) => round(l, 2));
/** `uptime` as the machine reports it (other users share it): recorded with each part's run. */
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

interface Point {
  size: number;
  [figure: string]: number;
}

/**
 * BENCH_EXPLAIN=1: EXPLAIN (ANALYZE, BUFFERS) of the report's statements at the largest size, as the
 * repository builds them (captured from its query call): the first JSON page, and a CSV page of 1,000 rows
 * from the middle of the course.
 */
async function explainReport(
  ctx: BenchContext,
  courseId: string,
  students: number,
  print: boolean,
): Promise<{ firstPageDbMs: number; csvPageDbMs: number }> {
  let captured: { sql: string; params: unknown[] } = { sql: '', params: [] };
  const capture = { query: async (sql: string, params: unknown[]) => ((captured = { sql, params }), []) } as unknown as DataSource;
  const repository = new ProgressReportRepository(capture);
  const middle = await ctx.db.query<{ k: string; id: string }>(
    `SELECT lower(u.name) AS k, e.id FROM enrolments e JOIN users u ON u.id = e.user_id WHERE e.course_id = $1 ORDER BY lower(u.name), e.id OFFSET $2 LIMIT 1`,
    [courseId, Math.floor(students / 2)],
  );
  const plans: Array<[string, [string, string] | null, number]> = [
    ['first page (50 rows, sort=name)', null, 50],
    ['CSV page (1,000 rows from the middle, sort=name)', [middle.rows[0].k, middle.rows[0].id], 1_000],
  ];
  const explain = async (label: string, sql: string, params: unknown[]): Promise<number> => {
    const plan = await ctx.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    const lines = plan.rows.map((r) => r['QUERY PLAN']);
    if (print) process.stderr.write(`\n-- ${label}, ${students} enrolments\n${lines.join('\n')}\n`);
    return Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
  };
  const times: number[] = [];
  for (const [label, after, limit] of plans) {
    await repository.page(courseId, {}, 'name', after, limit, new Date());
    // As the CSV runs them: JIT off (ProgressReportRepository.pages).
    if (limit > 50) await ctx.db.query('SET jit = off');
    times.push(await explain(label, captured.sql, captured.params));
    await ctx.db.query('RESET jit');
  }
  if (!print) return { firstPageDbMs: round(times[0], 2), csvPageDbMs: round(times[1], 1) };
  // The statement the report ran before issue 20 (every row's figures computed, then sorted and cut), on today's indexes.
  const overdue = `(SELECT count(*)::int FROM assignments a WHERE a.course_id = e.course_id AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}
                      AND ${effectiveDue('a', 'e')} < $2 AND NOT EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id))`;
  const before = (keyset: string, limit: number) => `SELECT * FROM (
      SELECT e.id AS enrolment_id, u.id AS user_id, u.name, u.email, e.progress_percent AS percent, e.completed_required AS completed_items,
             ${overdue} AS overdue,
             (SELECT count(*)::int FROM item_progress ip WHERE ip.enrolment_id = e.id AND ip.state = 'completed' AND ip.rule = 'watch' AND ip.covered_percent < ip.min_percent) AS self_reported,
             e.last_activity_at, e.status, e.cohort_id, co.name AS cohort_name,
             ARRAY(SELECT mc.module_id FROM module_completions mc WHERE mc.enrolment_id = e.id) AS completed_modules, lower(u.name) AS sort_key
      FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts co ON co.id = e.cohort_id
      WHERE e.course_id = $1 AND e.status <> 'dropped') r ${keyset}
    ORDER BY r.sort_key, r.enrolment_id LIMIT ${limit}`;
  await explain('BEFORE issue 20: first page', before('', 51), [courseId, new Date()]);
  await explain('BEFORE issue 20: CSV page from the middle', before('WHERE (r.sort_key, r.enrolment_id) > ($3, $4::uuid)', 1001), [
    courseId,
    new Date(),
    middle.rows[0].k,
    middle.rows[0].id,
  ]);
  return { firstPageDbMs: round(times[0], 2), csvPageDbMs: round(times[1], 1) };
}

/** Instructor report: first JSON page p95, the whole CSV streamed (consumed, not held), the API process's peak RSS meanwhile. */
async function reportCurve(): Promise<Point[]> {
  const ctx = await startBench('scale_report');
  const points: Point[] = [];
  try {
    const token = await signIn(ctx);
    for (const students of REPORT_SIZES) {
      const t0 = process.hrtime.bigint();
      const course = await createCourse(ctx, token, `Scale report ${students}`, 6, 10);
      await seedStudents(ctx, course.id, students, `report${students}.scale`);
      // Student s has completed the first k(s) items and started the next three; one in 20 has not started.
      await ctx.db.query(
        `WITH ordered AS (
           SELECT i.id, i.completion, mat.duration_seconds, row_number() OVER (ORDER BY m.position, i.position) - 1 AS ord
           FROM items i JOIN modules m ON m.id = i.module_id JOIN materials mat ON mat.id = i.material_id WHERE m.course_id = $1
         ), learners AS (
           SELECT id, abs(hashtext(id::text)) % 61 AS k FROM enrolments WHERE course_id = $1 AND abs(hashtext(id::text) / 61) % 20 <> 0
         )
         INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, min_percent, duration_seconds, completed_at, updated_at)
         SELECT l.id, o.id, CASE WHEN o.ord < l.k THEN 'completed' ELSE 'in_progress' END, CASE WHEN o.ord < l.k THEN 100 ELSE 40 END,
                o.completion->>'type', (o.completion->>'minPercent')::float8, o.duration_seconds, CASE WHEN o.ord < l.k THEN now() END, now()
         FROM learners l JOIN ordered o ON o.ord < l.k + 3`,
        [course.id],
      );
      const started = await ctx.db.query<{ id: string }>(
        'SELECT DISTINCT enrolment_id AS id FROM item_progress ip JOIN enrolments e ON e.id = ip.enrolment_id WHERE e.course_id = $1',
        [course.id],
      );
      const ids = started.rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 5_000)
        await ctx.app.get(ProgressWritesRepository).refreshEnrolments(ids.slice(i, i + 5_000), new Date());
      await ctx.db.query(
        `INSERT INTO assignments (course_id, module_id, due_at, target_type) VALUES ($1, $2, now() - interval '2 days', 'course')`,
        [course.id, course.modules[0]],
      );
      await ctx.db.query('VACUUM ANALYZE');
      await ctx.db.query('CHECKPOINT');
      const itemRows = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_progress')).rows[0].n;
      log(`report: ${students} enrolments seeded in ${Math.round(ms(t0))} ms (${itemRows} item_progress rows in the database)`);

      const url = `${ctx.baseUrl}/api/v1/courses/${course.id}/progress`;
      const page = async () => {
        const t = process.hrtime.bigint();
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        const body = (await res.json()) as { data: unknown[] };
        if (res.status !== 200 || body.data.length !== 50) throw new Error(`report page failed: ${res.status}`);
        return ms(t);
      };
      for (let i = 0; i < 5; i += 1) await page();
      const pageMs: number[] = [];
      for (let i = 0; i < PAGE_RUNS; i += 1) pageMs.push(await page());
      // One page deep in the report too (cursor after the middle row): keyset pages cost the same anywhere.
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 20);
      const t1 = process.hrtime.bigint();
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/csv' } });
      let lines = 0;
      let bytes = 0;
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (const b of value) if (b === 10) lines += 1;
      }
      const csvMs = ms(t1);
      clearInterval(sampler);
      if (res.status !== 200 || lines !== students + 1) throw new Error(`CSV has ${lines} lines, expected ${students + 1}`);
      // The database's share, free of the event loop's queueing on a busy machine: EXPLAIN ANALYZE's execution time.
      const db = await explainReport(ctx, course.id, students, !!process.env.BENCH_EXPLAIN && students === Math.max(...REPORT_SIZES));
      points.push({
        size: students,
        ...db,
        itemProgressRows: itemRows,
        firstPageP50Ms: round(percentile(pageMs, 50)),
        firstPageP95Ms: round(percentile(pageMs, 95)),
        csvMs: Math.round(csvMs),
        csvMB: round(bytes / 1e6),
        peakRssMB: Math.round(peakRss / 1e6),
        rssGrowthMB: Math.round((peakRss - rssBefore) / 1e6),
      });
      log(`report: ${JSON.stringify(points[points.length - 1])}`);
    }
  } finally {
    await ctx.close();
  }
  return points;
}

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

/** Progress ingest through the API (forked clients) with 0 / 1M / 10M rows already in progress_events, spread over 200 days. */
async function ingestCurve(): Promise<Point[]> {
  const ctx = await startBench('scale_ingest');
  const clients = loadGenerator();
  const points: Point[] = [];
  try {
    const admin = await signIn(ctx);
    const course = await createCourse(ctx, admin, 'Scale ingest', 5, 6);
    const students = await seedStudents(ctx, course.id, 1_000, 'ingest.scale');
    const tokens = accessTokens(
      ctx,
      students.map((s) => s.userId),
    );
    // Filler rows belong to other students of another course, so the measured students' item_progress stays the same size.
    const other = await createCourse(ctx, admin, 'Scale ingest filler', 1, 2);
    await seedStudents(ctx, other.id, 1_000, 'filler.scale');
    await clients.send({
      type: 'setup',
      baseUrl: ctx.baseUrl,
      databaseUrl: ctx.databaseUrl,
      students: students.map((s, i) => ({ ...s, token: tokens[i] })),
      items: course.items,
      clients: INGEST_CLIENTS,
      batchesPerRound: INGEST_BATCHES,
      batchSize: INGEST_BATCH,
    });
    await clients.send({ type: 'warmup', batches: 20 });
    let stored = 0;
    for (const target of STORED_EVENTS) {
      const t0 = process.hrtime.bigint();
      const chunk = 1_000_000;
      while (stored < target) {
        const n = Math.min(chunk, target - stored);
        await ctx.db.query(
          // The counts are scalars (InitPlans), so each join is a hash join on k, not a nested loop over every pair.
          `WITH f AS (SELECT e.user_id, e.id AS enrolment_id, row_number() OVER () - 1 AS k FROM enrolments e WHERE e.course_id = $1),
                i AS (SELECT id, row_number() OVER () - 1 AS k FROM items i WHERE i.module_id = $2)
           INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, percent, occurred_at, received_at)
           SELECT f.user_id, gen_random_uuid(), f.enrolment_id, i.id, 'viewed', NULL, t, t
           FROM generate_series(1, $3::int) g
           CROSS JOIN LATERAL (SELECT now() - (g % 200) * interval '1 day' - (g % 86400) * interval '1 second' AS t) ts
           JOIN f ON f.k = g % (SELECT count(*) FROM enrolments WHERE course_id = $1)
           JOIN i ON i.k = g % (SELECT count(*) FROM items WHERE module_id = $2)`,
          [other.id, other.modules[0], n],
        );
        stored += n;
      }
      // The whole database: the measured students' item_progress and enrolment rows were updated by the rounds before.
      await ctx.db.query('VACUUM ANALYZE');
      // Generating millions of rows leaves gigabytes of dirty pages: flush them now, not during the measured rounds.
      await ctx.db.query('CHECKPOINT');
      const tableMB = (await ctx.db.query<{ mb: number }>(`SELECT pg_total_relation_size('progress_events') / 1e6 AS mb`)).rows[0].mb;
      log(`ingest: ${stored} rows stored in ${Math.round(ms(t0))} ms (${Math.round(tableMB)} MB with indexes)`);
      // Two rounds, the faster one kept: on a shared machine the slower round measures the neighbours.
      const rounds: Array<{ ms: number; latencies: number[] }> = [];
      for (let r = 0; r < 2; r += 1) {
        const round_ = await clients.send({ type: 'api-round' });
        if (round_.type !== 'round') throw new Error(`unexpected reply ${round_.type}`);
        rounds.push(round_);
      }
      const result = rounds.reduce((a, b) => (b.ms < a.ms ? b : a));
      const events = INGEST_CLIENTS * INGEST_BATCHES * INGEST_BATCH;
      // The raw-event insert of one batch alone (rolled back): what a larger table costs it, in time and pages touched.
      await ctx.db.query('BEGIN');
      const plan = (
        await ctx.db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, occurred_at)
           SELECT $1, gen_random_uuid(), $2, $3, 'viewed', now() FROM generate_series(1, 100) ON CONFLICT (user_id, event_id) DO NOTHING`,
          [students[0].userId, students[0].enrolmentId, course.items[0].id],
        )
      ).rows.map((r) => r['QUERY PLAN']);
      await ctx.db.query('ROLLBACK');
      if (process.env.BENCH_EXPLAIN) process.stderr.write(`\n-- raw insert of 100 events, ${stored} stored\n${plan.join('\n')}\n`);
      const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan.join('\n'));
      points.push({
        size: target,
        tableMB: Math.round(tableMB),
        insert100DbMs: round(Number(/Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1] ?? NaN), 2),
        insert100Buffers: Number(buffers?.[1] ?? 0) + Number(buffers?.[2] ?? 0),
        eventsPerSecond: Math.round((events / result.ms) * 1000),
        p50BatchMs: round(percentile(result.latencies, 50)),
        p99BatchMs: round(percentile(result.latencies, 99)),
      });
      stored += events * rounds.length;
      log(`ingest: ${JSON.stringify(points[points.length - 1])}`);
    }
    await clients.send({ type: 'stop' });
  } finally {
    clients.stop();
    await ctx.close();
  }
  return points;
}

/** One dispatcher pass (100 reminders due) with 10k / 100k / 1M future reminders stored; then the fan-out request for one big course. */
async function reminderCurves(): Promise<{ dispatch: Point[]; fanOut: Point | null }> {
  const ctx = await startBench('scale_reminders', { REMINDER_SCHEDULERS: 'false', DATABASE_POOL_SIZE: '20' });
  const dispatch: Point[] = [];
  let fanOut: Point | null = null;
  try {
    const token = await signIn(ctx);
    const dispatcher = ctx.app.get(ReminderDispatch, { strict: false });
    const queue = ctx.app.get<Queue>(getQueueToken(QueueName.Reminders), { strict: false });
    const course = await createCourse(ctx, token, 'Scale reminders', 1, 1);
    await seedStudents(ctx, course.id, 10_000, 'remind.scale');
    let stored = 0;
    let batch = 0;
    for (const target of FUTURE_REMINDERS) {
      const t0 = process.hrtime.bigint();
      await ctx.db.query(
        `WITH e AS (SELECT id, user_id, row_number() OVER () - 1 AS k FROM enrolments WHERE course_id = $1)
         INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, created_at, updated_at)
         SELECT 'due_soon', e.user_id, e.id, 'scale-future-' || g, now() + interval '1 day' + (g % 90) * interval '1 day', 'scheduled', now(), now()
         FROM generate_series($2::int, $3::int - 1) g JOIN e ON e.k = g % (SELECT count(*) FROM enrolments WHERE course_id = $1)`,
        [course.id, stored, target],
      );
      stored = target;
      await ctx.db.query('VACUUM ANALYZE reminders');
      await ctx.db.query('CHECKPOINT');
      log(`reminders: ${stored} future reminders stored in ${Math.round(ms(t0))} ms`);
      const passes: number[] = [];
      for (let r = 0; r < DISPATCH_RUNS; r += 1) {
        batch += 1;
        await ctx.db.query(
          `WITH e AS (SELECT id, user_id FROM enrolments WHERE course_id = $1 LIMIT 100)
           INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for, status, created_at, updated_at)
           SELECT 'due_soon', user_id, id, 'scale-due-' || $2::int, now() - interval '1 minute', 'scheduled', now(), now() FROM e`,
          [course.id, batch],
        );
        const t = process.hrtime.bigint();
        const queued = await dispatcher.run();
        passes.push(ms(t));
        if (queued !== 100) throw new Error(`dispatcher queued ${queued}, expected 100`);
        await queue.drain(true);
      }
      dispatch.push({ size: stored, passP50Ms: round(percentile(passes, 50)), passMaxMs: round(Math.max(...passes)) });
      log(`reminders: ${JSON.stringify(dispatch[dispatch.length - 1])}`);
    }

    if (FAN_OUT > 0) {
      const big = await createCourse(ctx, token, 'Scale fan-out', 1, 1);
      await seedStudents(ctx, big.id, FAN_OUT, 'fanout.scale');
      await ctx.db.query(`UPDATE enrolments SET status = 'active' WHERE course_id = $1`, [big.id]);
      await ctx.db.query('VACUUM ANALYZE');
      await ctx.db.query('CHECKPOINT');
      const t = process.hrtime.bigint();
      const created = await api<{ id: string }>(ctx, 'POST', `/api/v1/courses/${big.id}/assignments`, token, {
        moduleId: big.modules[0],
        dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        target: { type: 'course' },
      });
      const requestMs = ms(t);
      if (created.status !== 201) throw new Error(`fan-out failed: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
      const rows = (
        await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reminders WHERE assignment_id = $1', [created.body.id])
      ).rows[0].n;
      fanOut = { size: FAN_OUT, requestMs: Math.round(requestMs), reminderRows: rows };
      log(`fan-out: ${JSON.stringify(fanOut)}`);
      await queue.obliterate({ force: true });
    }
  } finally {
    await ctx.close();
  }
  return { dispatch, fanOut };
}

/** One database of the read curve: the measured course (5 modules x 8 items, an assignment per module), `most - 1` other courses. */
interface ReadDatabase {
  ctx: BenchContext;
  students: number;
  url: string;
  /** Access tokens of students enrolled in the measured course only / in every course, by course count. */
  tokens: Map<number, string[]>;
  /** One student per course count, for EXPLAIN. */
  sample: Map<number, string>;
  /** The measured students' ids by course count. */
  users: Map<number, string[]>;
  courseId: string;
}

async function readDatabase(students: number, one: number, most: number): Promise<ReadDatabase> {
  const ctx = await startBench('scale_read');
  const admin = await signIn(ctx);
  const course = await createCourse(ctx, admin, 'Scale read', 5, 8);
  const others: string[] = [];
  for (let c = 1; c < most; c += 1) others.push((await createCourse(ctx, admin, `Scale read other ${c}`, 1, 2)).id);
  // Measured students: half enrolled in the measured course only, half in every course.
  const measured = new Map<number, Array<{ userId: string }>>();
  measured.set(one, await seedStudents(ctx, course.id, 250, 'one.read.scale'));
  if (most !== one) measured.set(most, await seedStudents(ctx, course.id, 250, 'most.read.scale'));
  await ctx.db.query(
    `INSERT INTO enrolments (course_id, user_id, status) SELECT c, s, 'active' FROM unnest($1::uuid[]) c, unnest($2::uuid[]) s`,
    [others.slice(0, most - 1), (measured.get(most) ?? []).map((s) => s.userId)],
  );
  // A course-wide assignment per module (due in 1..5 weeks), so the course view and /me/assignments resolve due dates.
  await ctx.db.query(
    `INSERT INTO assignments (course_id, module_id, due_at, target_type)
     SELECT m.course_id, m.id, now() + make_interval(days => 7 * (1 + row_number() OVER (PARTITION BY m.course_id ORDER BY m.position))::int), 'course'
     FROM modules m`,
  );
  const tokens = new Map(
    [...measured].map(
      ([courses, list]) =>
        [
          courses,
          accessTokens(
            ctx,
            list.map((s) => s.userId),
          ),
        ] as const,
    ),
  );
  const sample = new Map([...measured].map(([courses, list]) => [courses, list[0].userId] as const));
  const users = new Map([...measured].map(([courses, list]) => [courses, list.map((s) => s.userId)] as const));
  const db = {
    ctx,
    students: 0,
    url: `${ctx.baseUrl}/api/v1/me/courses/${course.id}/progress`,
    tokens,
    sample,
    users,
    courseId: course.id,
  };
  await populate(db, students);
  return db;
}

/** Fills the database up to `students` (the new ones in the measured course), with their progress; vacuumed and checkpointed. */
async function populate(db: ReadDatabase, students: number): Promise<void> {
  const { ctx } = db;
  // The rest of the students fill the measured course itself: a course-wide scan or sort would show at 100,000.
  const existing = (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
  if (students > existing) await seedStudents(ctx, db.courseId, students - existing, `fill${existing}.read.scale`);
  await ctx.db.query(`UPDATE enrolments SET status = 'active', activated_at = now() WHERE status = 'invited'`);
  await ctx.db.query(
    `WITH ordered AS (
       SELECT i.id, i.completion, mat.duration_seconds, m.course_id, row_number() OVER (PARTITION BY m.course_id ORDER BY m.position, i.position) - 1 AS ord
       FROM items i JOIN modules m ON m.id = i.module_id JOIN materials mat ON mat.id = i.material_id
     ), learners AS (SELECT id, course_id, abs(hashtext(id::text)) % 33 AS k FROM enrolments)
     INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, min_percent, duration_seconds, completed_at, updated_at)
     SELECT l.id, o.id, CASE WHEN o.ord < l.k THEN 'completed' ELSE 'in_progress' END, CASE WHEN o.ord < l.k THEN 100 ELSE 40 END,
            o.completion->>'type', (o.completion->>'minPercent')::float8, o.duration_seconds, CASE WHEN o.ord < l.k THEN now() END, now()
     FROM learners l JOIN ordered o ON o.course_id = l.course_id AND o.ord < l.k + 3
     ON CONFLICT DO NOTHING`,
  );
  const ids = (await ctx.db.query<{ id: string }>('SELECT id FROM enrolments')).rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 5_000)
    await ctx.app.get(ProgressWritesRepository).refreshEnrolments(ids.slice(i, i + 5_000), new Date());
  await ctx.db.query('VACUUM ANALYZE');
  await ctx.db.query('CHECKPOINT');
  db.students = students;
  log(`read: ${students} students, ${ids.length} enrolments ready`);
}

/**
 * The statements of the student read path (course view, /me/enrolments, /me/assignments) as the repositories
 * issue them (captured from the pool), under EXPLAIN (ANALYZE, BUFFERS); returns the course view's execution time.
 */
async function explainReadPath(
  db: ReadDatabase,
  courses: number,
  print: boolean,
): Promise<{ courseViewDbMs: number; statementP50Ms: number; statementP99Ms: number }> {
  const ds = db.ctx.app.get(DataSource);
  const pool = (ds.driver as unknown as { master: { query: unknown } }).master;
  const capture = async (run: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> => {
    let captured = { sql: '', params: [] as unknown[] };
    const dsQuery = ds.query.bind(ds);
    ds.query = (async (sql: string, params: unknown[]) => ((captured = { sql, params }), [])) as typeof ds.query;
    pool.query = async (config: { text: string; values: unknown[] }) => (
      (captured = { sql: config.text, params: config.values }),
      { rows: [] }
    );
    try {
      await run();
    } finally {
      ds.query = dsQuery;
      delete (pool as { query?: unknown }).query; // back to the prototype's
    }
    return captured;
  };
  const userId = db.sample.get(courses)!;
  const statements: Array<[string, () => Promise<unknown>]> = [
    ['course view (GET /me/courses/:id/progress)', () => db.ctx.app.get(CourseViewRepository).courseView(userId, db.courseId)],
    ['GET /me/enrolments', () => db.ctx.app.get(EnrolmentsRepository).mine(userId, MY_LIST_MAX)],
    ['GET /me/assignments', () => db.ctx.app.get(AssignmentsRepository).mine(userId, null, new Date(), MY_LIST_MAX)],
  ];
  const explain = async (label: string, sql: string, params: unknown[]) => {
    const plan = await db.ctx.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    const lines = plan.rows.map((r) => r['QUERY PLAN']);
    if (print)
      process.stderr.write(`\n-- ${label}: ${db.students} students, caller enrolled in ${courses} course(s)\n${lines.join('\n')}\n`);
    return Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
  };
  const times: number[] = [];
  const view = await capture(statements[0][1]);
  for (const [label, run] of statements) {
    const { sql, params } = await capture(run);
    times.push(await explain(label, sql, params));
  }
  if (print) {
    // The catalogue here (100 courses) fits in a few pages, so the planner scans modules, items and assignments
    // whole; these are the plans it takes once they outgrow that (each lookup by the course's index).
    await db.ctx.db.query('SET enable_seqscan = off');
    await explain('course view with enable_seqscan = off (a catalogue too large to scan)', view.sql, view.params);
    await db.ctx.db.query('RESET enable_seqscan');
  }
  // The statement alone, timed from a client over READ_STATEMENT_RUNS callers in turn: PostgreSQL's share of the p99.
  const callers = (
    await db.ctx.db.query<{ user_id: string }>(`SELECT user_id FROM enrolments WHERE course_id = $1 AND user_id = ANY($2::uuid[])`, [
      db.courseId,
      db.users.get(courses)!,
    ])
  ).rows.map((r) => r.user_id);
  const statementMs: number[] = [];
  for (let i = 0; i < READ_STATEMENT_RUNS; i += 1) {
    const started = process.hrtime.bigint();
    await db.ctx.db.query(view.sql, [[callers[i % callers.length]], [db.courseId]]);
    statementMs.push(ms(started));
  }
  return {
    courseViewDbMs: round(times[0], 2),
    statementP50Ms: round(median(statementMs), 2),
    statementP99Ms: round(percentile(statementMs, 99), 2),
  };
}

/**
 * GET /me/courses/:id/progress p99 under autocannon, as a student enrolled in 1 / 100 courses, with 1k / 100k
 * students in the database. One database grows from the smaller size to the larger (one API per process:
 * passport's strategies are process-wide, so two apps in one process cannot serve side by side). At each size
 * READ_ROUNDS rounds measure the course counts interleaved (order alternating), so load drifting over the run
 * hits both alike; each point reports the median round, with the range and the load average per round.
 */
async function readCurve(): Promise<Point[]> {
  const [one, most] = [Math.min(...READ_COURSES), Math.max(...READ_COURSES)];
  const studentSizes = [...new Set(READ_STUDENTS)].sort((a, b) => a - b);
  const db = await readDatabase(studentSizes[0], one, most);
  const points: Point[] = [];
  try {
    const courseCounts = [...new Set([one, most])];
    const load = (tokens: string[], duration: number) => {
      let next = 0;
      return autocannon({
        url: db.url,
        connections: 20,
        duration,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
            }),
          },
        ],
      });
    };
    for (const students of studentSizes) {
      if (students !== db.students) await populate(db, students);
      // Warm-up: caches, pools, and (the first phase) V8's optimised code, without which the first size measured slowest.
      for (const courses of courseCounts) await load(db.tokens.get(courses)!, students === studentSizes[0] ? 6 : 2);
      const rounds = courseCounts.map(() => ({ p99: [] as number[], p50: [] as number[], rps: [] as number[], load1: [] as number[] }));
      for (let r = 0; r < READ_ROUNDS; r += 1) {
        for (let k = 0; k < courseCounts.length; k += 1) {
          const i = (k + r) % courseCounts.length;
          const loadAverage = loadNow()[0];
          const result = await load(db.tokens.get(courseCounts[i])!, READ_SECONDS);
          if (result.errors || result.non2xx || result.timeouts)
            throw new Error(`read path: ${result.errors} errors, ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodeStats)}`);
          rounds[i].p99.push(result.latency.p99);
          rounds[i].p50.push(result.latency.p50);
          rounds[i].rps.push(result.requests.average);
          rounds[i].load1.push(loadAverage);
        }
        log(
          `read ${students} students, round ${r + 1}/${READ_ROUNDS}: p99 ${rounds.map((x) => x.p99[r]).join(' / ')} ms, load ${loadNow()[0]}`,
        );
      }
      for (const [i, courses] of courseCounts.entries()) {
        const x = rounds[i];
        points.push({
          size: students,
          courses,
          requestsPerSecond: Math.round(median(x.rps)),
          p50Ms: median(x.p50),
          p99Ms: median(x.p99),
          p99RoundMinMs: Math.min(...x.p99),
          p99RoundMaxMs: Math.max(...x.p99),
          rounds: READ_ROUNDS,
          roundSeconds: READ_SECONDS,
          load1Median: median(x.load1),
          ...(await explainReadPath(db, courses, !!process.env.BENCH_EXPLAIN && students === studentSizes[studentSizes.length - 1])),
        });
        log(`read: ${JSON.stringify(points[points.length - 1])}`);
      }
    }
    return points;
  } finally {
    await db.ctx.close();
  }
}

/** Largest-size cost over smallest-size cost (1 = flat). */
const growth = (points: Point[], key: string) => (points.length > 1 ? round(points[points.length - 1][key] / points[0][key], 2) : 1);

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadBefore = loadNow();
  const uptimeBefore = uptime();
  // With BENCH_SCALE_ONLY, the parts not run keep their curves from the last scale.json (and say when they ran).
  const file = join(root, 'bench', 'results', 'scale.json');
  const earlier = (ONLY && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null) as {
    at: string;
    load: unknown;
    runs?: Record<string, { at: string; load: unknown; uptime?: string }>;
    curves: { report: Point[]; ingest: Point[]; dispatch: Point[]; fanOut: Point | null; read: Point[] };
  } | null;
  const partRuns: Record<string, { at: string; load: unknown; uptime?: string }> = {};
  const part = async <T>(name: string, run: () => Promise<T>, keep: (e: NonNullable<typeof earlier>) => T, none: T): Promise<T> => {
    if (runs(name)) {
      const value = await run();
      partRuns[name] = { at: new Date().toISOString(), load: loadNow(), uptime: uptime() };
      return value;
    }
    if (!earlier) return none;
    partRuns[name] = earlier.runs?.[name] ?? { at: earlier.at, load: earlier.load };
    return keep(earlier);
  };
  const reportPoints = await part('report', reportCurve, (e) => e.curves.report, []);
  const ingestPoints = await part('ingest', ingestCurve, (e) => e.curves.ingest, []);
  const reminders = await part('reminders', reminderCurves, (e) => ({ dispatch: e.curves.dispatch, fanOut: e.curves.fanOut }), {
    dispatch: [] as Point[],
    fanOut: null as Point | null,
  });
  const readPoints = await part('read', readCurve, (e) => e.curves.read, []);
  const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];
  const readP99 = readPoints.map((p) => p.p99Ms);
  // null: that part did not run (BENCH_SCALE_ONLY).
  const judged = (points: unknown[] | null, met: () => boolean): boolean | null => (points && points.length ? met() : null);
  const goals = {
    reportFirstPageP95Under50Ms: judged(reportPoints, () => reportPoints.every((p) => p.firstPageP95Ms < 50)),
    reportCsvUnder10sAndRssUnder300MB: judged(reportPoints, () => reportPoints.every((p) => p.csvMs < 10_000 && p.peakRssMB < 300)),
    ingestAtLargestStoreAtLeast0_8xEmpty: judged(
      ingestPoints,
      () => last(ingestPoints)!.eventsPerSecond >= 0.8 * ingestPoints[0].eventsPerSecond,
    ),
    dispatcherPassUnder50Ms: judged(reminders.dispatch, () => reminders.dispatch.every((p) => p.passP50Ms < 50)),
    fanOutRequestUnder10s: judged(reminders.fanOut ? [reminders.fanOut] : null, () => reminders.fanOut!.requestMs < 10_000),
    readP99Within20Percent: judged(readP99, () => Math.max(...readP99) <= 1.2 * Math.min(...readP99)),
  };

  const ratios = [
    growth(reportPoints, 'firstPageP95Ms'),
    growth(reportPoints, 'csvMs') / (reportPoints.length > 1 ? last(reportPoints)!.size / reportPoints[0].size : 1),
    ingestPoints.length > 1 ? round(ingestPoints[0].eventsPerSecond / last(ingestPoints)!.eventsPerSecond, 2) : 1,
    growth(reminders.dispatch, 'passP50Ms'),
  ];
  const result = {
    bench: 'scale',
    at: new Date().toISOString(),
    machine: machine(),
    load: { before: loadBefore, after: loadNow() },
    uptime: { before: uptimeBefore, after: uptime() },
    minutes: round(ms(started) / 60_000, 1),
    runs: partRuns,
    sizes: {
      report: REPORT_SIZES,
      storedEvents: STORED_EVENTS,
      futureReminders: FUTURE_REMINDERS,
      fanOut: FAN_OUT,
      readStudents: READ_STUDENTS,
      readCourses: READ_COURSES,
    },
    curves: { report: reportPoints, ingest: ingestPoints, dispatch: reminders.dispatch, fanOut: reminders.fanOut, read: readPoints },
    // The shape bench:table reads: the largest size's figures against the smallest size's.
    figures: {
      reportStudents: last(reportPoints)?.size ?? 0,
      reportFirstPageP95Ms: last(reportPoints)?.firstPageP95Ms ?? 0,
      reportCsvMs: last(reportPoints)?.csvMs ?? 0,
      reportPeakRssMB: last(reportPoints)?.peakRssMB ?? 0,
      ingestStoredEvents: last(ingestPoints)?.size ?? 0,
      ingestEventsPerSecond: last(ingestPoints)?.eventsPerSecond ?? 0,
      dispatchFutureReminders: last(reminders.dispatch)?.size ?? 0,
      dispatchPassP50Ms: last(reminders.dispatch)?.passP50Ms ?? 0,
      fanOutStudents: reminders.fanOut?.size ?? 0,
      fanOutRequestMs: reminders.fanOut?.requestMs ?? 0,
      readP99MaxMs: readP99.length ? Math.max(...readP99) : 0,
    },
    baseline: {
      reportStudents: reportPoints[0]?.size ?? 0,
      reportFirstPageP95Ms: reportPoints[0]?.firstPageP95Ms ?? 0,
      reportCsvMs: reportPoints[0]?.csvMs ?? 0,
      ingestEventsPerSecond: ingestPoints[0]?.eventsPerSecond ?? 0,
      dispatchPassP50Ms: reminders.dispatch[0]?.passP50Ms ?? 0,
      readP99MinMs: readP99.length ? Math.min(...readP99) : 0,
    },
    ratio: round(Math.max(...ratios), 2),
    goals,
    goal: 'report first page p95 < 50 ms and CSV < 10 s with RSS < 300 MB at every size; ingest at the largest store ≥ 0.8x the empty rate; dispatcher pass < 50 ms at every size; fan-out request < 10 s; read p99 within 20 % across sizes. Ratio: the worst growth (largest size / smallest, CSV per row)',
    meetsGoal: Object.values(goals).every((met) => met !== false),
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
