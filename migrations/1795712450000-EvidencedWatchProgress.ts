import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Watch rules need evidence (issue 14, item 2). item_progress.covered_percent is the server-judged
 * coverage of the watched segments (it only grows, like percent); a watch-rule item completes only
 * when it reaches the rule's minPercent. item_progress.percent stays the displayed percent (it may
 * be a bare, self-reported percent).
 *
 * Existing rows: covered_percent is backfilled from the stored ranges (a lower bound: earlier
 * versions kept more ranges). Rows a bare percent completed before this stay completed: their
 * module completions, enrolment completions and certificates already happened, and revoking them
 * silently would be worse. They are not hidden either: the student view says `evidenced: false`
 * for them and the instructor report counts them in `selfReportedCompletions`.
 */
export class EvidencedWatchProgress1795712450000 implements MigrationInterface {
  name = 'EvidencedWatchProgress1795712450000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "item_progress" ADD "covered_percent" double precision NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `UPDATE item_progress SET covered_percent = COALESCE(accord_coverage(watched, duration_seconds), 0) WHERE watched IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "item_progress" DROP COLUMN "covered_percent"`);
  }
}
