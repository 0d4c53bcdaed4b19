import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reminders1795592958063 implements MigrationInterface {
  name = 'Reminders1795592958063';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "reminders" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "kind" character varying(16) NOT NULL,
                "user_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                "assignment_id" uuid,
                "dedupe_key" character varying(200) NOT NULL,
                "scheduled_for" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'scheduled',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "skip_reason" character varying(32),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "message_id" character varying(300),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_38715fec7f634b72c6cf7ea4893" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "reminders_dedupe_unique" ON "reminders" ("dedupe_key")
        `);
    await queryRunner.query(`
            CREATE INDEX "reminders_created_idx" ON "reminders" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "reminders_assignment_idx" ON "reminders" ("assignment_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "reminders_enrolment_idx" ON "reminders" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "reminders_due_idx" ON "reminders" ("status", "scheduled_for")
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD CONSTRAINT "FK_586e0b8e419125be507701cee2a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders"
            ADD CONSTRAINT "FK_10bfd5dbe91796a3777697cbe49" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP CONSTRAINT "FK_10bfd5dbe91796a3777697cbe49"
        `);
    await queryRunner.query(`
            ALTER TABLE "reminders" DROP CONSTRAINT "FK_586e0b8e419125be507701cee2a"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_due_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_enrolment_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_assignment_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_created_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."reminders_dedupe_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "reminders"
        `);
  }
}
