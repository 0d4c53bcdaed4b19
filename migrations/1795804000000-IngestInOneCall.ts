import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * accord_ingest_progress: the whole write of one progress batch as one function call, so a batch costs
 * one round trip to PostgreSQL instead of five (BEGIN with its lock timeout, the enrolment locks, the
 * events with their derived item state, the enrolment derivation, COMMIT). The statements inside are the
 * ones the API ran before, in the same order and in the same (implicit) transaction:
 * 1. the lock timeout of this transaction only (set_config(…, true), as SET LOCAL), when given;
 * 2. the row locks of the enrolments, in id order (batches over the same enrolments cannot deadlock);
 * 3. the raw events, once per (user, eventId), and the derived item state of the new ones, merged into
 *    what is there under the row lock of ON CONFLICT (see ProgressWritesRepository.recordBatch in
 *    progress-writes.repository.ts for the merge rules: percent only grows, watch completes on covered_percent, latest position wins,
 *    at most p_max_ranges stored ranges);
 * 4. when any event was new, accord_derive_enrolments for the enrolments they touched.
 * accord_item_percent(old, watched, duration, reported) is written out here with accord_coverage
 * computed once per row (it was computed twice, for percent and covered_percent; a function with a
 * sub-SELECT is never inlined, and coverage is the costly part of the statement).
 * A plpgsql statement takes its own snapshot in READ COMMITTED, so 3 and 4 see every row committed by
 * the writers that held the locks before, exactly as separate statements did. Returns how many events
 * were new. Adds a function only: migrate before the API that calls it (the old API does not use it).
 */
export class IngestInOneCall1795804000000 implements MigrationInterface {
  name = 'IngestInOneCall1795804000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION accord_ingest_progress(
        p_user uuid, p_locks uuid[], p_event_ids uuid[], p_enrolment_ids uuid[], p_item_ids uuid[], p_types text[],
        p_positions float8[], p_percents float8[], p_watched nummultirange[], p_occurred timestamptz[],
        p_now timestamptz, p_max_ranges int, p_lock_timeout_ms int) RETURNS int
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_inserted int;
        v_enrolments uuid[];
      BEGIN
        IF p_lock_timeout_ms IS NOT NULL THEN
          PERFORM set_config('lock_timeout', p_lock_timeout_ms::text, true);
        END IF;
        PERFORM 1 FROM enrolments WHERE id = ANY(p_locks) ORDER BY id FOR NO KEY UPDATE;
        WITH input AS (
          SELECT * FROM unnest(p_event_ids, p_enrolment_ids, p_item_ids, p_types, p_positions, p_percents, p_watched, p_occurred)
            WITH ORDINALITY AS x(event_id, enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at, ord)
        ), inserted AS (
          INSERT INTO progress_events (user_id, event_id, enrolment_id, item_id, type, position_seconds, percent, watched, occurred_at)
          SELECT p_user, x.event_id, x.enrolment_id, x.item_id, x.type, x.position_seconds, x.percent, x.watched, x.occurred_at FROM input x
          ON CONFLICT (user_id, event_id) DO NOTHING
          RETURNING progress_events.event_id, progress_events.enrolment_id, progress_events.item_id, progress_events.position_seconds,
                    progress_events.percent, progress_events.watched, progress_events.occurred_at
        ), agg AS (
          SELECT n.enrolment_id, n.item_id, max(n.percent) AS percent, range_agg(n.watched) AS watched,
                 (array_agg(n.position_seconds ORDER BY n.occurred_at DESC, x.ord DESC, n.event_id DESC) FILTER (WHERE n.position_seconds IS NOT NULL))[1] AS position_seconds,
                 max(n.occurred_at) FILTER (WHERE n.position_seconds IS NOT NULL) AS position_at
          FROM inserted n JOIN input x ON x.event_id = n.event_id GROUP BY n.enrolment_id, n.item_id
        ), fresh AS (
          SELECT a.*, i.completion->>'type' AS rule, (i.completion->>'minPercent')::float8 AS min_percent, mat.duration_seconds,
                 GREATEST(0, COALESCE(c.coverage, a.percent, 0)) AS new_percent, GREATEST(0, COALESCE(c.coverage, 0)) AS new_covered
          FROM agg a JOIN items i ON i.id = a.item_id JOIN materials mat ON mat.id = i.material_id
          CROSS JOIN LATERAL (SELECT accord_coverage(a.watched, mat.duration_seconds) AS coverage OFFSET 0) c
        ), upserted AS (
          INSERT INTO item_progress (enrolment_id, item_id, state, percent, covered_percent, watched, position_seconds, position_at, rule, min_percent, duration_seconds, completed_at, updated_at)
          SELECT f.enrolment_id, f.item_id,
                 CASE WHEN f.rule = 'view' OR (f.rule = 'watch' AND f.new_covered >= f.min_percent) THEN 'completed' ELSE 'in_progress' END,
                 f.new_percent, f.new_covered, accord_keep_longest(f.watched, p_max_ranges), f.position_seconds, f.position_at, f.rule, f.min_percent, f.duration_seconds,
                 CASE WHEN f.rule = 'view' OR (f.rule = 'watch' AND f.new_covered >= f.min_percent) THEN p_now END, p_now
          FROM fresh f
          ON CONFLICT (enrolment_id, item_id) DO UPDATE SET
            (watched, percent, covered_percent, state, completed_at) = (
              SELECT accord_keep_longest(merged.watched, p_max_ranges), GREATEST(merged.percent, merged.covered), merged.covered,
                     CASE WHEN item_progress.state = 'completed' OR EXCLUDED.state = 'completed' OR (EXCLUDED.rule = 'watch' AND merged.covered >= EXCLUDED.min_percent)
                       THEN 'completed' ELSE 'in_progress' END,
                     CASE WHEN item_progress.completed_at IS NOT NULL THEN item_progress.completed_at
                       WHEN EXCLUDED.state = 'completed' OR (EXCLUDED.rule = 'watch' AND merged.covered >= EXCLUDED.min_percent) THEN EXCLUDED.updated_at END
              FROM (SELECT c.watched, GREATEST(COALESCE(item_progress.percent, 0), COALESCE(c.coverage, EXCLUDED.percent, 0)) AS percent,
                           GREATEST(COALESCE(item_progress.covered_percent, 0), COALESCE(c.coverage, 0)) AS covered
                    FROM (SELECT u.watched, accord_coverage(u.watched, EXCLUDED.duration_seconds) AS coverage
                          FROM (SELECT accord_union(item_progress.watched, EXCLUDED.watched) AS watched) u OFFSET 0) c OFFSET 0) merged
            ),
            position_seconds = CASE WHEN EXCLUDED.position_at IS NOT NULL AND (item_progress.position_at IS NULL OR EXCLUDED.position_at >= item_progress.position_at)
              THEN EXCLUDED.position_seconds ELSE item_progress.position_seconds END,
            position_at = GREATEST(item_progress.position_at, EXCLUDED.position_at),
            rule = EXCLUDED.rule, min_percent = EXCLUDED.min_percent, duration_seconds = EXCLUDED.duration_seconds,
            updated_at = EXCLUDED.updated_at
        )
        SELECT count(*)::int, COALESCE(array_agg(DISTINCT n.enrolment_id), '{}') INTO v_inserted, v_enrolments FROM inserted n;
        IF v_inserted > 0 THEN
          PERFORM accord_derive_enrolments(v_enrolments, p_now, true);
        END IF;
        RETURN v_inserted;
      END
      $fn$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION accord_ingest_progress(uuid, uuid[], uuid[], uuid[], uuid[], text[], float8[], float8[], nummultirange[], timestamptz[], timestamptz, int, int)`,
    );
  }
}
