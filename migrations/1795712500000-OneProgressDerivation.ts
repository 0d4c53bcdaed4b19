import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One derivation of progress (issue 14): module completions and the per-enrolment counters are
 * computed by one function, `accord_derive_enrolments`, called by progress writes (for the writer's
 * enrolments) and by every course structure change (for all the course's enrolments, in the
 * change's transaction), so every view reads the same answer. Module completions are recomputed,
 * not only added: a module whose required items are no longer all completed loses its completion,
 * and an enrolment that is no longer complete goes back to `active`. A module with items but none
 * required is complete; a module without items is not (an assignment of it is not done before it
 * has content) and does not hold back the enrolment's completion. Percentages are stored
 * rounded to one decimal, as every view shows them.
 */
export class OneProgressDerivation1795712500000 implements MigrationInterface {
  name = 'OneProgressDerivation1795712500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // p_activity: a progress write (last activity, invited → active); false for a structure change.
    await queryRunner.query(`
      CREATE FUNCTION accord_derive_enrolments(p_enrolments uuid[], p_now timestamptz, p_activity boolean) RETURNS void
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
    // Re-judges the students' rows of items whose completion rule changed, from what is stored:
    // view → completed; watch → completed only when the server-judged coverage (covered_percent, or the
    // stored watched ranges) reaches minPercent;
    // mark_done → the state stays (a completion is not taken away, an open item waits for the mark).
    await queryRunner.query(`
      CREATE FUNCTION accord_rejudge_items(p_items uuid[], p_now timestamptz) RETURNS void
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
    // After a structure change: lock the course's enrolments (in id order, as progress writes do, so a
    // write either commits before and is counted, or waits and sees the new structure), re-judge the
    // items whose rule changed, then derive every enrolment of the course in one statement.
    await queryRunner.query(`
      CREATE FUNCTION accord_derive_course(p_course uuid, p_rejudge uuid[], p_now timestamptz) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        ids uuid[];
      BEGIN
        SELECT COALESCE(array_agg(id), '{}') INTO ids FROM (SELECT id FROM enrolments WHERE course_id = p_course ORDER BY id FOR NO KEY UPDATE) locked;
        IF cardinality(p_rejudge) > 0 THEN PERFORM accord_rejudge_items(p_rejudge, p_now); END IF;
        PERFORM accord_derive_enrolments(ids, p_now, false);
      END $$`);
    // A new enrolment has completed the modules that have items but none required, as a derivation would say.
    await queryRunner.query(`
      CREATE FUNCTION accord_new_enrolments_complete_empty_modules() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO module_completions (enrolment_id, module_id, completed_at)
        SELECT a.id, m.id, now() FROM added a JOIN modules m ON m.course_id = a.course_id
        WHERE EXISTS (SELECT 1 FROM items i WHERE i.module_id = m.id) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.module_id = m.id AND i.required)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_complete_empty_modules AFTER INSERT ON enrolments REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION accord_new_enrolments_complete_empty_modules()`);
    // Bring what is stored today to the one derivation (rounded percentages, stale completions).
    await queryRunner.query(`SELECT accord_derive_enrolments(ARRAY(SELECT id FROM enrolments), now(), false)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER enrolments_complete_empty_modules ON enrolments`);
    await queryRunner.query(`DROP FUNCTION accord_new_enrolments_complete_empty_modules()`);
    await queryRunner.query(`DROP FUNCTION accord_derive_course(uuid, uuid[], timestamptz)`);
    await queryRunner.query(`DROP FUNCTION accord_rejudge_items(uuid[], timestamptz)`);
    await queryRunner.query(`DROP FUNCTION accord_derive_enrolments(uuid[], timestamptz, boolean)`);
  }
}
