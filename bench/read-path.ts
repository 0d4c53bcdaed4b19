import autocannon from 'autocannon';
import Fastify from 'fastify';
import { ProgressWritesRepository } from '../src/modules/progress/progress-writes.repository';
import { round } from './events';
import { accessTokens, createCourse, seedStudents } from './fixtures';
import { report, signIn, startBench } from './harness';

const STUDENTS = 500;
const CONNECTIONS = 50;
const SECONDS = 10;
const WARMUP_SECONDS = 3;

function load(url: string, tokens: string[] | null, duration: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'GET',
        // Every request as another student, so no one enrolment's rows stay hot.
        setupRequest: (request) =>
          tokens ? { ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } } : request,
      },
    ],
  });
}

function checked(name: string, result: autocannon.Result): autocannon.Result {
  if (result.errors || result.non2xx || result.timeouts)
    throw new Error(`${name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return result;
}

/**
 * The student's course view, GET /me/courses/:id/progress, under autocannon (50 connections,
 * rotating among 500 students' tokens), against a bare Fastify route returning the same JSON,
 * in one run and one process.
 */
async function main(): Promise<void> {
  const ctx = await startBench('read');
  const bare = Fastify();
  try {
    const admin = await signIn(ctx);
    const course = await createCourse(ctx, admin, 'Bench read path', 5, 8);
    // Module 2 needs module 1, module 5 opens next month, module 3 is assigned to everyone: the view evaluates all of it.
    await ctx.db.query('INSERT INTO module_prerequisites (module_id, prerequisite_id) VALUES ($1, $2)', [
      course.modules[1],
      course.modules[0],
    ]);
    await ctx.db.query(`UPDATE modules SET unlock_at = now() + interval '30 days' WHERE id = $1`, [course.modules[4]]);
    await ctx.db.query(
      `INSERT INTO assignments (course_id, module_id, due_at, target_type) VALUES ($1, $2, now() + interval '7 days', 'course')`,
      [course.id, course.modules[2]],
    );
    const students = await seedStudents(ctx, course.id, STUDENTS, 'read.bench');
    // Student s has completed the first k(s) items of modules 1–4 and started the next three.
    await ctx.db.query(
      `WITH ordered AS (
         SELECT i.id, i.completion, mat.duration_seconds, row_number() OVER (ORDER BY m.position, i.position) - 1 AS ord
         FROM items i JOIN modules m ON m.id = i.module_id JOIN materials mat ON mat.id = i.material_id WHERE m.course_id = $1 AND m.position < 4
       ), learners AS (SELECT id, abs(hashtext(id::text)) % 33 AS k FROM enrolments WHERE course_id = $1)
       INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, min_percent, duration_seconds, position_seconds, position_at, completed_at, updated_at)
       SELECT l.id, o.id, CASE WHEN o.ord < l.k THEN 'completed' ELSE 'in_progress' END, CASE WHEN o.ord < l.k THEN 100 ELSE 40 END,
              o.completion->>'type', (o.completion->>'minPercent')::float8, o.duration_seconds,
              CASE WHEN o.duration_seconds IS NOT NULL THEN 240 END, CASE WHEN o.duration_seconds IS NOT NULL THEN now() END,
              CASE WHEN o.ord < l.k THEN now() END, now()
       FROM learners l JOIN ordered o ON o.ord < l.k + 3`,
      [course.id],
    );
    await ctx.app.get(ProgressWritesRepository).refreshEnrolments(
      students.map((s) => s.enrolmentId),
      new Date(),
    );
    await ctx.db.query('ANALYZE');
    const tokens = accessTokens(
      ctx,
      students.map((s) => s.userId),
    );

    const url = `${ctx.baseUrl}/api/v1/me/courses/${course.id}/progress`;
    const sample = await fetch(url, { headers: { Authorization: `Bearer ${tokens[0]}` } });
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`course view failed: ${sample.status} ${body.slice(0, 300)}`);
    const view = JSON.parse(body) as { modules: unknown[] };

    bare.get('/progress', async () => view);
    const bareUrl = `${await bare.listen({ port: 0, host: '127.0.0.1' })}/progress`;

    checked('bare warm-up', await load(bareUrl, null, WARMUP_SECONDS));
    const baseline = checked('bare', await load(bareUrl, null, SECONDS));
    checked('accord warm-up', await load(url, tokens, WARMUP_SECONDS));
    const accord = checked('accord', await load(url, tokens, SECONDS));

    const ratio = round(accord.requests.average / baseline.requests.average, 2);
    report({
      bench: 'read-path',
      figures: {
        students: STUDENTS,
        connections: CONNECTIONS,
        seconds: SECONDS,
        modules: view.modules.length,
        responseBytes: Buffer.byteLength(body),
        requestsPerSecond: Math.round(accord.requests.average),
        p50Ms: accord.latency.p50,
        p99Ms: accord.latency.p99,
      },
      baseline: {
        bareRequestsPerSecond: Math.round(baseline.requests.average),
        bareP50Ms: baseline.latency.p50,
        bareP99Ms: baseline.latency.p99,
      },
      ratio,
      goal: 'requests/s at least 0.15x a bare Fastify JSON route, p99 under 50 ms',
      meetsGoal: ratio >= 0.15 && accord.latency.p99 < 50,
    });
  } finally {
    await bare.close();
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
