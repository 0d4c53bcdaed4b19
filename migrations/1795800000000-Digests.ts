import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Digests (issue 18): the `digests` table (one row per user and slot, unique), `reminders.digest_id`
 * (a partial index: only held or digested reminders carry one) and the digest preference columns
 * (`off` by default, so nothing changes for existing users).
 */
export class Digests1795800000000 implements MigrationInterface {
  name = 'Digests1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "digests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "slot_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "scheduled_for" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "lease_until" TIMESTAMP WITH TIME ZONE,
                "last_error" text,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "message_id" character varying(300),
                "subject" text,
                "body_text" text,
                "body_html" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3849fbafde59a8a4abf182ad18c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "digests_due_idx" ON "digests" ("status", "scheduled_for")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "digests_user_slot_unique" ON "digests" ("user_id", "slot_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "digest_frequency" character varying(8) NOT NULL DEFAULT 'off'
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "digest_hour" smallint NOT NULL DEFAULT '7'
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "digest_weekday" smallint NOT NULL DEFAULT '1'
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD "digest_id" uuid
        `);
    await queryRunner.query(`
            CREATE INDEX "reminders_digest_idx" ON "reminders" ("digest_id")
            WHERE digest_id IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "digests"
            ADD CONSTRAINT "FK_38293b7517fbf90c3c53253825c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "digests" DROP CONSTRAINT "FK_38293b7517fbf90c3c53253825c"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_digest_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP COLUMN "digest_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "digest_weekday"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "digest_hour"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "digest_frequency"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."digests_user_slot_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."digests_due_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "digests"
        `);
  }
}
