import { api, ms, report, signIn, startBench } from './harness';

const ROWS = 10_000;

/**
 * 10,000-row CSV enrolment through the API (accounts, tokens, enrolments, welcome reminders,
 * audit) against a raw multi-row insert of the same users and enrolments, in one run.
 */
async function main(): Promise<void> {
  const ctx = await startBench('enrol');
  try {
    const token = await signIn(ctx);
    const course = async (title: string) => (await api<{ id: string }>(ctx, 'POST', '/api/v1/courses', token, { title })).body.id;

    const apiCourse = await course('Bench import');
    const csv = [
      'email,name,cohort',
      ...Array.from({ length: ROWS }, (_, i) => `student${i}@api.bench,Student ${i},Cohort ${i % 10}`),
    ].join('\n');
    const t0 = process.hrtime.bigint();
    const res = await api<{ created: number; failed: unknown[] }>(
      ctx,
      'POST',
      `/api/v1/courses/${apiCourse}/enrolments/bulk?createCohorts=true`,
      token,
      csv,
      'text/csv',
    );
    const apiMs = ms(t0);
    if (res.status !== 200 || res.body.created !== ROWS)
      throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);

    const rawCourse = await course('Bench raw');
    const t1 = process.hrtime.bigint();
    await ctx.db.query('BEGIN');
    const values = Array.from({ length: ROWS }, (_, i) => `($${2 * i + 1}, $${2 * i + 2}, 'student')`).join(',');
    const params = Array.from({ length: ROWS }, (_, i) => [`student${i}@raw.bench`, `Student ${i}`]).flat();
    const users = await ctx.db.query<{ id: string }>(`INSERT INTO users (email, name, role) VALUES ${values} RETURNING id`, params);
    const enrolValues = users.rows.map((_, i) => `($1, $${i + 2}, 'invited')`).join(',');
    await ctx.db.query(`INSERT INTO enrolments (course_id, user_id, status) VALUES ${enrolValues}`, [
      rawCourse,
      ...users.rows.map((u) => u.id),
    ]);
    await ctx.db.query('COMMIT');
    const rawMs = ms(t1);

    const check = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [apiCourse]);
    if (check.rows[0].n !== ROWS) throw new Error('enrolment count mismatch');
    const ratio = Math.round((apiMs / rawMs) * 100) / 100;
    report({
      bench: 'enrol-import',
      figures: { rows: ROWS, apiMs: Math.round(apiMs), rowsPerSecond: Math.round((ROWS / apiMs) * 1000) },
      baseline: { rawMs: Math.round(rawMs) },
      ratio,
      goal: 'API under 10 s and within 3x of the raw multi-row insert',
      meetsGoal: apiMs < 10_000 && ratio <= 3,
    });
  } finally {
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
