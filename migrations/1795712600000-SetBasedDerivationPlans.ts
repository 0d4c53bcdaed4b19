import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The same derivation with plans that stay set-based at 5,000 enrolments (issue 14, structure-change cost;
 * EXPLAIN findings in bench/report.ts's BENCH_EXPLAIN output):
 * - accord_derive_enrolments counted completions by joining every (enrolment, module, item) triple to
 *   item_progress (300,000 × 285,000 rows hashed, spilling to disk at the default work_mem); it now
 *   aggregates the completed required rows per (enrolment, module) and joins that to the course's
 *   module totals (one row per module). On the bench data a course-wide derivation takes about half the
 *   time, and a batch of 50 enrolments (as progress ingest derives them) ~10 ms instead of ~190 ms.
 * - accord_rejudge_items evaluated accord_coverage (a SQL function that is not inlined) twice per row (the
 *   inlined CTE put it in the join filter and in the SET list) and found its target rows with a sequential
 *   scan of item_progress; the judged rows are now materialised once, coverage is computed only for watch
 *   rules with stored ranges, and the target rows are found through item_progress_item_idx.
 * Results are unchanged.
 */
export class SetBasedDerivationPlans1795712600000 implements MigrationInterface {
  name = 'SetBasedDerivationPlans1795712600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION accord_derive_enrolments(p_enrolments uuid[], p_now timestamptz, p_activity boolean) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        WITH modules_of AS (
          SELECT m.course_id, m.id AS module_id, count(i.id) AS items, count(i.id) FILTER (WHERE i.required) AS required
          FROM modules m LEFT JOIN items i ON i.module_id = m.id
          WHERE m.course_id IN (SELECT course_id FROM enrolments WHERE id = ANY(p_enrolments))
          GROUP BY m.id
        ), done AS (
          SELECT ip.enrolment_id, i.module_id, count(*) AS done
          FROM item_progress ip JOIN items i ON i.id = ip.item_id
          WHERE ip.enrolment_id = ANY(p_enrolments) AND ip.state = 'completed' AND i.required
          GROUP BY ip.enrolment_id, i.module_id
        ), req AS (
          SELECT e.id AS enrolment_id, m.module_id, COALESCE(m.items, 0) AS items, COALESCE(m.required, 0) AS required, COALESCE(d.done, 0) AS done
          FROM enrolments e
          LEFT JOIN modules_of m ON m.course_id = e.course_id
          LEFT JOIN done d ON d.enrolment_id = e.id AND d.module_id = m.module_id
          WHERE e.id = ANY(p_enrolments)
        ), added AS (
          INSERT INTO module_completions (enrolment_id, module_id, completed_at)
          SELECT enrolment_id, module_id, p_now FROM req WHERE items > 0 AND done >= required
          ON CONFLICT DO NOTHING
        ), removed AS (
          DELETE FROM module_completions mc USING req r
          WHERE mc.enrolment_id = r.enrolment_id AND mc.module_id = r.module_id AND (r.items = 0 OR r.done < r.required)
        ), totals AS (
          SELECT enrolment_id, sum(required)::int AS required, sum(done)::int AS done,
                 COALESCE(bool_and(done >= required) FILTER (WHERE items > 0), true) AND sum(required) > 0 AS complete
          FROM req GROUP BY enrolment_id
        ), next AS (
          SELECT e.id, t.done AS completed_required,
                 CASE WHEN t.required > 0 THEN round(100.0 * t.done / t.required, 1)::float8 ELSE 0 END AS progress_percent,
                 CASE WHEN e.status IN ('invited', 'active') AND t.complete THEN 'completed'
                      WHEN e.status = 'completed' AND NOT t.complete THEN 'active'
                      WHEN e.status = 'invited' AND p_activity THEN 'active' ELSE e.status END AS status,
                 CASE WHEN e.status IN ('invited', 'active') AND t.complete THEN p_now
                      WHEN e.status = 'completed' AND NOT t.complete THEN NULL ELSE e.completed_at END AS completed_at
          FROM enrolments e JOIN totals t ON t.enrolment_id = e.id
        )
        UPDATE enrolments e SET
          completed_required = n.completed_required,
          progress_percent = n.progress_percent,
          status = n.status,
          completed_at = n.completed_at,
          last_activity_at = CASE WHEN p_activity THEN GREATEST(e.last_activity_at, p_now) ELSE e.last_activity_at END,
          activated_at = CASE WHEN p_activity THEN COALESCE(e.activated_at, p_now) ELSE e.activated_at END,
          updated_at = now()
        FROM next n
        WHERE e.id = n.id
          AND (p_activity OR (e.completed_required, e.progress_percent, e.status, e.completed_at) IS DISTINCT FROM (n.completed_required, n.progress_percent, n.status, n.completed_at));
      END $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION accord_rejudge_items(p_items uuid[], p_now timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        WITH judged AS MATERIALIZED (
          SELECT c.enrolment_id, c.item_id, c.rule, c.min_percent, c.duration_seconds,
                 CASE WHEN c.rule = 'view' THEN 'completed'
                      WHEN c.rule = 'watch' THEN
                        CASE WHEN GREATEST(c.covered_percent, COALESCE(c.coverage, 0)) >= c.min_percent THEN 'completed' ELSE 'in_progress' END
                      ELSE c.state END AS state,
                 CASE WHEN c.rule = 'watch' AND c.old_rule = 'mark_done' THEN COALESCE(c.coverage, 0) ELSE c.percent END AS percent
          FROM (
            SELECT ip.enrolment_id, ip.item_id, ip.state, ip.percent, ip.covered_percent, ip.rule AS old_rule,
                   i.completion->>'type' AS rule, (i.completion->>'minPercent')::float8 AS min_percent, mat.duration_seconds,
                   CASE WHEN i.completion->>'type' = 'watch' AND ip.watched IS NOT NULL THEN accord_coverage(ip.watched, mat.duration_seconds) END AS coverage
            FROM items i JOIN materials mat ON mat.id = i.material_id JOIN item_progress ip ON ip.item_id = i.id
            WHERE i.id = ANY(p_items)
          ) c
        )
        UPDATE item_progress ip SET
          rule = j.rule, min_percent = j.min_percent, duration_seconds = j.duration_seconds, state = j.state, percent = j.percent,
          completed_at = CASE WHEN j.state = 'completed' THEN COALESCE(ip.completed_at, p_now) END
        FROM judged j
        WHERE ip.enrolment_id = j.enrolment_id AND ip.item_id = j.item_id AND ip.item_id = ANY(p_items)
          AND (ip.rule, ip.min_percent, ip.duration_seconds, ip.state, ip.percent) IS DISTINCT FROM (j.rule, j.min_percent, j.duration_seconds, j.state, j.percent);
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION accord_derive_enrolments(p_enrolments uuid[], p_now timestamptz, p_activity boolean) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        WITH req AS (
          SELECT e.id AS enrolment_id, m.id AS module_id,
                 count(i.id) AS items,
                 count(i.id) FILTER (WHERE i.required) AS required,
                 count(ip.item_id) FILTER (WHERE i.required AND ip.state = 'completed') AS done
          FROM enrolments e
          LEFT JOIN modules m ON m.course_id = e.course_id
          LEFT JOIN items i ON i.module_id = m.id
          LEFT JOIN item_progress ip ON ip.enrolment_id = e.id AND ip.item_id = i.id
          WHERE e.id = ANY(p_enrolments)
          GROUP BY e.id, m.id
        ), added AS (
          INSERT INTO module_completions (enrolment_id, module_id, completed_at)
          SELECT enrolment_id, module_id, p_now FROM req WHERE items > 0 AND done >= required
          ON CONFLICT DO NOTHING
        ), removed AS (
          DELETE FROM module_completions mc USING req r
          WHERE mc.enrolment_id = r.enrolment_id AND mc.module_id = r.module_id AND (r.items = 0 OR r.done < r.required)
        ), totals AS (
          SELECT enrolment_id, sum(required)::int AS required, sum(done)::int AS done,
                 COALESCE(bool_and(done >= required) FILTER (WHERE items > 0), true) AND sum(required) > 0 AS complete
          FROM req GROUP BY enrolment_id
        ), next AS (
          SELECT e.id, t.done AS completed_required,
                 CASE WHEN t.required > 0 THEN round(100.0 * t.done / t.required, 1)::float8 ELSE 0 END AS progress_percent,
                 CASE WHEN e.status IN ('invited', 'active') AND t.complete THEN 'completed'
                      WHEN e.status = 'completed' AND NOT t.complete THEN 'active'
                      WHEN e.status = 'invited' AND p_activity THEN 'active' ELSE e.status END AS status,
                 CASE WHEN e.status IN ('invited', 'active') AND t.complete THEN p_now
                      WHEN e.status = 'completed' AND NOT t.complete THEN NULL ELSE e.completed_at END AS completed_at
          FROM enrolments e JOIN totals t ON t.enrolment_id = e.id
        )
        UPDATE enrolments e SET
          completed_required = n.completed_required,
          progress_percent = n.progress_percent,
          status = n.status,
          completed_at = n.completed_at,
          last_activity_at = CASE WHEN p_activity THEN GREATEST(e.last_activity_at, p_now) ELSE e.last_activity_at END,
          activated_at = CASE WHEN p_activity THEN COALESCE(e.activated_at, p_now) ELSE e.activated_at END,
          updated_at = now()
        FROM next n
        WHERE e.id = n.id
          AND (p_activity OR (e.completed_required, e.progress_percent, e.status, e.completed_at) IS DISTINCT FROM (n.completed_required, n.progress_percent, n.status, n.completed_at));
      END $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION accord_rejudge_items(p_items uuid[], p_now timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        WITH judged AS (
          SELECT ip.enrolment_id, ip.item_id, i.completion->>'type' AS rule, (i.completion->>'minPercent')::float8 AS min_percent, mat.duration_seconds,
                 CASE WHEN i.completion->>'type' = 'view' THEN 'completed'
                      WHEN i.completion->>'type' = 'watch' THEN
                        CASE WHEN GREATEST(ip.covered_percent, COALESCE(accord_coverage(ip.watched, mat.duration_seconds), 0)) >= (i.completion->>'minPercent')::float8 THEN 'completed' ELSE 'in_progress' END
                      ELSE ip.state END AS state,
                 CASE WHEN i.completion->>'type' = 'watch' AND ip.rule = 'mark_done' THEN COALESCE(accord_coverage(ip.watched, mat.duration_seconds), 0)
                      ELSE ip.percent END AS percent
          FROM item_progress ip JOIN items i ON i.id = ip.item_id JOIN materials mat ON mat.id = i.material_id
          WHERE ip.item_id = ANY(p_items)
        )
        UPDATE item_progress ip SET
          rule = j.rule, min_percent = j.min_percent, duration_seconds = j.duration_seconds, state = j.state, percent = j.percent,
          completed_at = CASE WHEN j.state = 'completed' THEN COALESCE(ip.completed_at, p_now) END
        FROM judged j
        WHERE ip.enrolment_id = j.enrolment_id AND ip.item_id = j.item_id
          AND (ip.rule, ip.min_percent, ip.duration_seconds, ip.state, ip.percent) IS DISTINCT FROM (j.rule, j.min_percent, j.duration_seconds, j.state, j.percent);
      END $$`);
  }
}
