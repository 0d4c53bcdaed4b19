import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1795593704667 implements MigrationInterface {
  name = 'Notifications1795593704667';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "notification_preferences" (
                "user_id" uuid NOT NULL,
                "welcome" boolean NOT NULL DEFAULT true,
                "assignment" boolean NOT NULL DEFAULT true,
                "due_soon" boolean NOT NULL DEFAULT true,
                "overdue" boolean NOT NULL DEFAULT true,
                "inactivity" boolean NOT NULL DEFAULT true,
                "quiet_start" character varying(5) DEFAULT '21:00',
                "quiet_end" character varying(5) DEFAULT '08:00',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_64c90edc7310c6be7c10c96f675" PRIMARY KEY ("user_id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD "lease_until" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD "subject" text
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD "body_text" text
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD "body_html" text
        `);
    await queryRunner.query(`
            ALTER TABLE "notification_preferences"
            ADD CONSTRAINT "FK_64c90edc7310c6be7c10c96f675" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "notification_preferences" DROP CONSTRAINT "FK_64c90edc7310c6be7c10c96f675"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP COLUMN "body_html"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP COLUMN "body_text"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP COLUMN "subject"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP COLUMN "lease_until"
        `);
    await queryRunner.query(`
            DROP TABLE "notification_preferences"
        `);
  }
}
