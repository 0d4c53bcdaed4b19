import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for flat cost curves and bounded storage (issue 20). Adds indexes only, changes no constraint:
 * safe before or after either process is upgraded (migrate first, then API and worker, in any order).
 * - users_lower_name_idx, enrolments_course_activity_idx: the instructor report's keyset pages
 *   (sort by name / lastActivityAt) walk an index instead of sorting the whole course per page;
 *   sort by percent already has enrolments_course_percent_idx.
 * - item_progress_self_reported_idx: the report's self-reported count per row reads only the rows
 *   it counts (a watch completion below its rule's coverage), not the enrolment's 60 item rows.
 * - progress_events_received_idx: retention deletes raw events older than the cut-off in batches.
 * - reminders_finished_body_idx, reminders_finished_idx: retention drops bodies, then rows, of
 *   sent/skipped/cancelled reminders (the first holds only rows that still have a body, so the
 *   body pass never walks the stripped rows kept until their row cut-off).
 * Plain CREATE INDEX (inside the migration's transaction) locks writes to each table while it builds;
 * on a large production table run the same statements by hand with CONCURRENTLY first (docs/operations.md).
 */
export class ScaleIndexes1795803000000 implements MigrationInterface {
  name = 'ScaleIndexes1795803000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "users_lower_name_idx" ON "users" (lower("name"))`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "enrolments_course_activity_idx" ON "enrolments" ("course_id", (COALESCE("last_activity_at", 'epoch'::timestamptz)), "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "item_progress_self_reported_idx" ON "item_progress" ("enrolment_id")
       WHERE "state" = 'completed' AND "rule" = 'watch' AND "covered_percent" < "min_percent"`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "progress_events_received_idx" ON "progress_events" ("received_at")`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "reminders_finished_idx" ON "reminders" ("updated_at") WHERE "status" IN ('sent', 'skipped', 'cancelled')`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "reminders_finished_body_idx" ON "reminders" ("updated_at")
       WHERE "status" IN ('sent', 'skipped', 'cancelled') AND ("subject" IS NOT NULL OR "body_text" IS NOT NULL OR "body_html" IS NOT NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "reminders_finished_body_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "reminders_finished_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "progress_events_received_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "item_progress_self_reported_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "enrolments_course_activity_idx"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "users_lower_name_idx"`);
  }
}
