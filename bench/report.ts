import { ProgressWritesRepository } from '../src/modules/progress/progress-writes.repository';
import { round } from './events';
import { createCourse, percentile, seedStudents } from './fixtures';
import type { BenchContext } from './harness';
import { api, ms, report, signIn, startBench } from './harness';

const STUDENTS = 5_000;
const MODULES = 6;
const ITEMS_PER_MODULE = 10;
const PAGE_RUNS = 50;
const CSV_RUNS = 5;
const STRUCTURE_RUNS = 5;

const median = (xs: number[]) => percentile(xs, 50);

/**
 * The hand-written query the report is held against: the same rows in the same order, computed
 * naively from item_progress per enrolment (completed required items, percent, completed
 * modules for the overdue count and the per-module columns, self-reported completions, cohort
 * name) instead of from the denormalised enrolment counters.
 */
const HAND_WRITTEN = `
  WITH req AS (
    SELECT e.id AS enrolment_id, m.id AS module_id, m.position, m.title,
           count(i.id) AS items,
           count(i.id) FILTER (WHERE i.required) AS required,
           count(ip.item_id) FILTER (WHERE i.required AND ip.state = 'completed') AS done
    FROM enrolments e
    JOIN modules m ON m.course_id = e.course_id
    LEFT JOIN items i ON i.module_id = m.id
    LEFT JOIN item_progress ip ON ip.enrolment_id = e.id AND ip.item_id = i.id
    WHERE e.course_id = $1 AND e.status <> 'dropped'
    GROUP BY e.id, m.id
  ), per_enrolment AS (
    SELECT enrolment_id, sum(done)::int AS done, sum(required)::int AS required,
           array_agg(CASE WHEN items > 0 AND done >= required THEN 'completed' ELSE 'not_completed' END ORDER BY position, module_id) AS modules
    FROM req GROUP BY enrolment_id
  ), overdue AS (
    SELECT e.id AS enrolment_id, count(*)::int AS n
    FROM enrolments e
    JOIN assignments a ON a.course_id = e.course_id AND a.cancelled_at IS NULL
    LEFT JOIN assignment_overrides o ON o.assignment_id = a.id AND o.enrolment_id = e.id
    LEFT JOIN assignment_enrolments ae ON ae.assignment_id = a.id AND ae.enrolment_id = e.id
    JOIN req r ON r.enrolment_id = e.id AND r.module_id = a.module_id
    WHERE e.course_id = $1 AND e.status <> 'dropped'
      AND (a.target_type = 'course' OR (a.target_type = 'cohort' AND a.cohort_id = e.cohort_id) OR (a.target_type = 'enrolments' AND ae.enrolment_id IS NOT NULL))
      AND COALESCE(o.due_at, a.due_at) < $2 AND r.done < r.required
    GROUP BY e.id
  )
  SELECT e.id AS enrolment_id, u.id AS user_id, u.name, u.email, e.cohort_id, co.name AS cohort_name, p.modules,
         (SELECT count(*)::int FROM item_progress ip JOIN items i ON i.id = ip.item_id
          WHERE ip.enrolment_id = e.id AND ip.state = 'completed' AND i.completion->>'type' = 'watch' AND ip.covered_percent < (i.completion->>'minPercent')::float8) AS self_reported,
         CASE WHEN p.required > 0 THEN 100.0 * p.done / p.required ELSE 0 END AS percent,
         p.done AS completed_items, COALESCE(od.n, 0) AS overdue, e.last_activity_at,
         CASE WHEN e.status = 'completed' THEN 'completed' WHEN p.done > 0 OR e.last_activity_at IS NOT NULL THEN 'in_progress' ELSE 'not_started' END AS state
  FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts co ON co.id = e.cohort_id
  JOIN per_enrolment p ON p.enrolment_id = e.id
  LEFT JOIN overdue od ON od.enrolment_id = e.id
  WHERE e.course_id = $1 AND e.status <> 'dropped'
  ORDER BY lower(u.name), e.id`;

/**
 * Structure changes through the API that re-derive every enrolment of the course in their transaction
 * (accord_derive_course): add a required item to module 1, change a watch item's rule 90 → 50 (re-judges its
 * rows from the stored coverage), then undo both (50 → 90, delete the item) so each run starts from the same data.
 */
async function structureChanges(
  ctx: BenchContext,
  token: string,
  course: { modules: string[]; watchItem: string; article: string },
): Promise<{ addItem: number[]; changeRule: number[]; undo: number[] }> {
  const timed = async (method: string, path: string, body?: unknown): Promise<{ ms: number; id?: string }> => {
    const t0 = process.hrtime.bigint();
    const res = await api<{ id?: string }>(ctx, method, path, token, body);
    const took = ms(t0);
    if (res.status >= 300) throw new Error(`${method} ${path} failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return { ms: took, id: res.body?.id };
  };
  const rule = (minPercent: number) => ({ completion: { type: 'watch', minPercent } });
  const out = { addItem: [] as number[], changeRule: [] as number[], undo: [] as number[] };
  for (let run = 0; run < STRUCTURE_RUNS; run += 1) {
    const added = await timed('POST', `/api/v1/modules/${course.modules[0]}/items`, {
      materialId: course.article,
      completion: { type: 'view' },
      required: true,
    });
    out.addItem.push(added.ms);
    out.changeRule.push((await timed('PATCH', `/api/v1/items/${course.watchItem}`, rule(50))).ms);
    out.undo.push((await timed('PATCH', `/api/v1/items/${course.watchItem}`, rule(90))).ms);
    out.undo.push((await timed('DELETE', `/api/v1/items/${added.id}`)).ms);
  }
  return out;
}

/**
 * BENCH_EXPLAIN=1: EXPLAIN (ANALYZE, BUFFERS) of every statement accord_derive_course runs for the rule
 * change 90 → 50 (auto_explain, nested statements, sent to this client as notices), rolled back.
 */
async function explainDeriveCourse(ctx: BenchContext, courseId: string, watchItem: string): Promise<void> {
  const onNotice = (n: { message?: string }) => process.stderr.write(`${n.message}\n\n`);
  ctx.db.on('notice', onNotice);
  try {
    await ctx.db.query('BEGIN');
    await ctx.db.query(`LOAD 'auto_explain'`);
    for (const setting of ['log_min_duration = 0', 'log_analyze = on', 'log_buffers = on', 'log_nested_statements = on'])
      await ctx.db.query(`SET LOCAL auto_explain.${setting}`);
    await ctx.db.query(`SET LOCAL client_min_messages = log`);
    await ctx.db.query(`UPDATE items SET completion = '{"type":"watch","minPercent":50}' WHERE id = $1`, [watchItem]);
    await ctx.db.query(`SELECT accord_derive_course($1, ARRAY[$2]::uuid[], now())`, [courseId, watchItem]);
  } finally {
    await ctx.db.query('ROLLBACK');
    ctx.db.off('notice', onNotice);
  }
}

/** 5,000 students × 60 items with set-based SQL, counters filled by the repository's own refresh, and assignments of each kind. */
async function seed(ctx: BenchContext, token: string): Promise<{ id: string; modules: string[]; watchItem: string; article: string }> {
  const course = await createCourse(ctx, token, 'Bench report', MODULES, ITEMS_PER_MODULE);
  const cohorts = await ctx.db.query<{ id: string }>(
    `INSERT INTO cohorts (course_id, name) SELECT $1, 'Cohort ' || g FROM generate_series(1, 5) g RETURNING id`,
    [course.id],
  );
  const students = await seedStudents(
    ctx,
    course.id,
    STUDENTS,
    'report.bench',
    cohorts.rows.map((c) => c.id),
  );
  // Student s has completed the first k(s) of the 60 items in course order and started the rest; one in 20 has not started.
  await ctx.db.query(
    `WITH ordered AS (
       SELECT i.id, i.completion, mat.duration_seconds, row_number() OVER (ORDER BY m.position, i.position) - 1 AS ord
       FROM items i JOIN modules m ON m.id = i.module_id JOIN materials mat ON mat.id = i.material_id WHERE m.course_id = $1
     ), learners AS (
       SELECT id, abs(hashtext(id::text)) % 61 AS k FROM enrolments WHERE course_id = $1 AND abs(hashtext(id::text) / 61) % 20 <> 0
     )
     INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, min_percent, duration_seconds, position_seconds, position_at, completed_at, updated_at)
     SELECT l.id, o.id, CASE WHEN o.ord < l.k THEN 'completed' ELSE 'in_progress' END,
            CASE WHEN o.ord < l.k THEN 100 ELSE (o.ord * 7 + l.k) % 90 END,
            o.completion->>'type', (o.completion->>'minPercent')::float8, o.duration_seconds,
            CASE WHEN o.duration_seconds IS NOT NULL THEN 30 END, CASE WHEN o.duration_seconds IS NOT NULL THEN now() END,
            CASE WHEN o.ord < l.k THEN now() - interval '1 day' END, now()
     FROM learners l CROSS JOIN ordered o`,
    [course.id],
  );
  await ctx.db.query('ANALYZE');
  const started = await ctx.db.query<{ enrolment_id: string }>('SELECT DISTINCT enrolment_id FROM item_progress');
  await ctx.app.get(ProgressWritesRepository).refreshEnrolments(
    started.rows.map((r) => r.enrolment_id),
    new Date(),
  );
  await ctx.db.query(
    `UPDATE enrolments SET last_activity_at = now() - (abs(hashtext(id::text)) % 2000) * interval '1 hour' WHERE last_activity_at IS NOT NULL`,
  );
  // Assignments of each kind, all past due: module 1 to the course, module 3 to a cohort, module 5 to 500 named enrolments with 200 overrides.
  const due = (days: number) => new Date(Date.now() - days * 86_400_000);
  const assignment = async (moduleIndex: number, target: string, cohortId: string | null, dueAt: Date) =>
    (
      await ctx.db.query<{ id: string }>(
        `INSERT INTO assignments (course_id, module_id, due_at, target_type, cohort_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [course.id, course.modules[moduleIndex], dueAt, target, cohortId],
      )
    ).rows[0].id;
  await assignment(0, 'course', null, due(2));
  await assignment(2, 'cohort', cohorts.rows[0].id, due(1));
  const named = await assignment(4, 'enrolments', null, due(3));
  const picked = students.slice(0, 500).map((s) => s.enrolmentId);
  await ctx.db.query('INSERT INTO assignment_enrolments (assignment_id, enrolment_id) SELECT $1, unnest($2::uuid[])', [named, picked]);
  await ctx.db.query(
    `INSERT INTO assignment_overrides (assignment_id, enrolment_id, due_at) SELECT $1, unnest($2::uuid[]), now() + interval '7 days'`,
    [named, picked.slice(0, 200)],
  );
  await ctx.db.query('ANALYZE');
  const article = await ctx.db.query<{ material_id: string }>(`SELECT material_id FROM items WHERE id = $1`, [
    course.items.find((i) => i.rule === 'view')!.id,
  ]);
  return {
    id: course.id,
    modules: course.modules,
    watchItem: course.items.find((i) => i.rule === 'watch')!.id,
    article: article.rows[0].material_id,
  };
}

/**
 * The instructor report for 5,000 students × 60 items (≈285,000 item_progress rows): the first
 * JSON page and the whole course as CSV through the API, against a hand-written aggregate over
 * item_progress returning the same rows, in one run.
 */
async function main(): Promise<void> {
  const ctx = await startBench('report');
  try {
    const token = await signIn(ctx);
    const course = await seed(ctx, token);
    const courseId = course.id;
    const itemRows = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM item_progress');

    const get = async (accept: string): Promise<{ ms: number; text: string }> => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${ctx.baseUrl}/api/v1/courses/${courseId}/progress`, {
        headers: { Authorization: `Bearer ${token}`, Accept: accept },
      });
      const text = await res.text();
      const took = ms(t0);
      if (res.status !== 200) throw new Error(`report failed: ${res.status} ${text.slice(0, 300)}`);
      return { ms: took, text };
    };

    for (let i = 0; i < 5; i += 1) await get('application/json');
    const pageMs: number[] = [];
    for (let i = 0; i < PAGE_RUNS; i += 1) pageMs.push((await get('application/json')).ms);
    const page = JSON.parse((await get('application/json')).text) as { data: Array<{ enrolmentId: string }> };
    if (page.data.length !== 50) throw new Error(`first page has ${page.data.length} rows`);

    await get('text/csv');
    const csvMs: number[] = [];
    let csv = '';
    for (let i = 0; i < CSV_RUNS; i += 1) {
      const res = await get('text/csv');
      csvMs.push(res.ms);
      csv = res.text;
    }
    const lines = csv.trimEnd().split('\n').slice(1);
    if (lines.length !== STUDENTS) throw new Error(`CSV has ${lines.length} rows, expected ${STUDENTS}`);

    const now = new Date();
    await ctx.db.query(HAND_WRITTEN, [courseId, now]);
    const handFullMs: number[] = [];
    type HandRow = {
      enrolment_id: string;
      cohort_name: string | null;
      completed_items: number;
      overdue: number;
      self_reported: number;
      modules: string[];
    };
    let hand: HandRow[] = [];
    for (let i = 0; i < CSV_RUNS; i += 1) {
      const t0 = process.hrtime.bigint();
      hand = (await ctx.db.query<HandRow>(HAND_WRITTEN, [courseId, now])).rows;
      handFullMs.push(ms(t0));
    }
    const handPageMs: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const t0 = process.hrtime.bigint();
      await ctx.db.query(`${HAND_WRITTEN} LIMIT 51`, [courseId, now]);
      handPageMs.push(ms(t0));
    }

    // The same rows: order, cohort name, completed items, overdue and self-reported counts and the per-module states agree with the CSV (no cell here holds a comma).
    const unquote = (cell: string) => cell.replace(/^"|"$/g, '');
    lines.forEach((line, i) => {
      const cells = line.split(',').map(unquote);
      const [enrolmentId, , , , , cohortName, , completed, overdue, selfReported] = cells;
      const h = hand[i];
      if (
        h.enrolment_id !== enrolmentId ||
        (h.cohort_name ?? '') !== cohortName ||
        h.completed_items !== Number(completed) ||
        h.overdue !== Number(overdue) ||
        h.self_reported !== Number(selfReported) ||
        cells.slice(12).join(',') !== h.modules.join(',')
      ) {
        throw new Error(`row ${i} differs: CSV ${line} vs hand-written ${JSON.stringify(h)}`);
      }
    });

    // Structure changes last, once the report rows have been checked; each undoes itself.
    if (process.env.BENCH_EXPLAIN) await explainDeriveCourse(ctx, courseId, course.watchItem);
    const structure = await structureChanges(ctx, token, course);
    const structureP50 = Math.max(median(structure.addItem), median(structure.changeRule));

    const pageP95 = percentile(pageMs, 95);
    const csvMedian = median(csvMs);
    const handMedian = median(handFullMs);
    const ratio = round(csvMedian / handMedian, 2);
    report({
      bench: 'report',
      figures: {
        students: STUDENTS,
        items: MODULES * ITEMS_PER_MODULE,
        itemProgressRows: itemRows.rows[0].n,
        firstPageP50Ms: round(percentile(pageMs, 50)),
        firstPageP95Ms: round(pageP95),
        csvMedianMs: Math.round(csvMedian),
        csvMaxMs: Math.round(Math.max(...csvMs)),
        csvBytes: Buffer.byteLength(csv),
        firstPageVsHandWrittenPage: round(percentile(pageMs, 50) / median(handPageMs), 2),
        structureAddItemP50Ms: Math.round(median(structure.addItem)),
        structureRuleChangeP50Ms: Math.round(median(structure.changeRule)),
        structureChangeMaxMs: Math.round(Math.max(...structure.addItem, ...structure.changeRule, ...structure.undo)),
      },
      baseline: { handWrittenFullMedianMs: Math.round(handMedian), handWrittenFirstPageMedianMs: round(median(handPageMs)) },
      ratio,
      goal: 'first page p95 under 50 ms, full CSV under 1 s, CSV (median) within 1.5x of the hand-written query returning the same rows (median), a structure change re-deriving all 5,000 enrolments (add a required item; watch rule 90 → 50) under 1 s (p50 each)',
      meetsGoal: pageP95 < 50 && csvMedian < 1000 && ratio <= 1.5 && structureP50 < 1000,
    });
  } finally {
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
