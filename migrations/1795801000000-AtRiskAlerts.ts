import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instructors' at-risk students alerts (issue 18 item 2): their preferences in
 * notification_preferences (weekly on Monday at 08:00 by default, every reason on), and one
 * at_risk_alerts row per (instructor, slot), unique, claimed before the email is sent.
 */
export class AtRiskAlerts1795801000000 implements MigrationInterface {
  name = 'AtRiskAlerts1795801000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "at_risk_alerts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "slot_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "lease_until" TIMESTAMP WITH TIME ZONE,
                "skip_reason" character varying(32),
                "last_error" text,
                "student_count" integer,
                "message_id" character varying(300),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e2783cb7841fca321d00539686c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "at_risk_alerts_due_idx" ON "at_risk_alerts" ("status", "slot_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "at_risk_alerts_slot_unique" ON "at_risk_alerts" ("user_id", "slot_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_frequency" character varying(8) NOT NULL DEFAULT 'weekly'
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_hour" smallint NOT NULL DEFAULT '8'
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_weekday" smallint NOT NULL DEFAULT '1'
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_inactive" boolean NOT NULL DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_overdue" boolean NOT NULL DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD "at_risk_behind" boolean NOT NULL DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "at_risk_alerts"
            ADD CONSTRAINT "FK_02f9a44beeb3d74326c834e3400" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "at_risk_alerts" DROP CONSTRAINT "FK_02f9a44beeb3d74326c834e3400"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_behind"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_overdue"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_inactive"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_weekday"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_hour"
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP COLUMN "at_risk_frequency"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."at_risk_alerts_slot_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."at_risk_alerts_due_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "at_risk_alerts"
        `);
  }
}
