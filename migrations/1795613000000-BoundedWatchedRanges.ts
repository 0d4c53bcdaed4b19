import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bounds the watched ranges kept per item (issue 13, item 7). accord_keep_longest(watched, n)
 * keeps a multirange's n longest ranges (ties: the earliest) and drops the rest: coverage can only
 * shrink, never grow, and the percent already reached is kept in item_progress.percent. Rows that
 * an earlier, unbounded version let grow are cut to 500 ranges here (the limit of
 * MAX_STORED_RANGES in src/modules/progress/progress-rules.ts when this ran).
 */
export class BoundedWatchedRanges1795613000000 implements MigrationInterface {
  name = 'BoundedWatchedRanges1795613000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION accord_keep_longest(watched nummultirange, max_ranges integer) RETURNS nummultirange
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN watched IS NULL OR (SELECT count(*) FROM unnest(watched)) <= max_ranges THEN watched
          ELSE (SELECT COALESCE(range_agg(kept.r), '{}'::nummultirange)
                FROM (SELECT r FROM unnest(watched) AS r ORDER BY upper(r) - lower(r) DESC, lower(r) LIMIT max_ranges) kept)
        END
      $$
    `);
    await queryRunner.query(
      `UPDATE item_progress SET watched = accord_keep_longest(watched, 500) WHERE (SELECT count(*) FROM unnest(watched)) > 500`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION accord_keep_longest(nummultirange, integer)`);
  }
}
