import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar feeds (issue 18 item 3). assignments.revision counts the changes of an assignment's due
 * dates (reschedule, per-student override set or removed, cancel) and is the feed's SEQUENCE.
 * calendar_feeds holds one feed per user: its generation id (the token is an HMAC of it under
 * JWT_SECRET, so a database copy cannot rebuild it) and the SHA-256 of the token for lookups.
 */
export class CalendarFeeds1795802000000 implements MigrationInterface {
  name = 'CalendarFeeds1795802000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assignments" ADD "revision" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(
      `CREATE TABLE "calendar_feeds" ("user_id" uuid NOT NULL, "id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "calendar_feeds_token_hash_key" UNIQUE ("token_hash"), CONSTRAINT "PK_calendar_feeds_user" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "calendar_feeds" ADD CONSTRAINT "FK_calendar_feeds_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "calendar_feeds"`);
    await queryRunner.query(`ALTER TABLE "assignments" DROP COLUMN "revision"`);
  }
}
