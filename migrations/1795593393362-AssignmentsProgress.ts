import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AssignmentsProgress1795593393362 implements MigrationInterface {
  name = 'AssignmentsProgress1795593393362';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "assignments" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "course_id" uuid NOT NULL,
                "module_id" uuid NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "target_type" character varying(16) NOT NULL,
                "cohort_id" uuid,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "created_by" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c54ca359535e0012b04dcbd80ee" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "assignments_module_idx" ON "assignments" ("module_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "assignments_course_idx" ON "assignments" ("course_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "assignment_enrolments" (
                "assignment_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                CONSTRAINT "PK_1fd8568953aa94aaa51868c738d" PRIMARY KEY ("assignment_id", "enrolment_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "assignment_enrolments_enrolment_idx" ON "assignment_enrolments" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "assignment_overrides" (
                "assignment_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ee52adf1f646f03f2ebfc582a9c" PRIMARY KEY ("assignment_id", "enrolment_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "assignment_overrides_enrolment_idx" ON "assignment_overrides" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "item_progress" (
                "enrolment_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "state" character varying(16) NOT NULL,
                "percent" double precision NOT NULL DEFAULT '0',
                "watched" nummultirange,
                "position_seconds" double precision,
                "position_at" TIMESTAMP WITH TIME ZONE,
                "rule" character varying(16) NOT NULL,
                "min_percent" double precision,
                "duration_seconds" integer,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_af180e5a48d8dea01717285476f" PRIMARY KEY ("enrolment_id", "item_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "item_progress_item_idx" ON "item_progress" ("item_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "module_completions" (
                "enrolment_id" uuid NOT NULL,
                "module_id" uuid NOT NULL,
                "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_8fc53c1b7c797bf4a49575b2456" PRIMARY KEY ("enrolment_id", "module_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "module_completions_module_idx" ON "module_completions" ("module_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "progress_events" (
                "user_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "type" character varying(16) NOT NULL,
                "position_seconds" double precision,
                "percent" double precision,
                "watched" nummultirange,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_97a0b7093ce9e8dc7ea80d115c6" PRIMARY KEY ("user_id", "event_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "progress_events_enrolment_item_idx" ON "progress_events" ("enrolment_id", "item_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD "completed_required" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD "progress_percent" double precision NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            CREATE INDEX "enrolments_course_percent_idx" ON "enrolments" ("course_id", "progress_percent", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments"
            ADD CONSTRAINT "FK_33f833f305070d2d4e6305d8a0c" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments"
            ADD CONSTRAINT "FK_a27b75778c882eb47f906832a09" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments"
            ADD CONSTRAINT "FK_3a4f0acaa50db2b5049f191ec57" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_enrolments"
            ADD CONSTRAINT "FK_d91ef3ae4cffcdbd9bc08d219e4" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_enrolments"
            ADD CONSTRAINT "FK_5786fcadd708daa8f169b17dd6a" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_overrides"
            ADD CONSTRAINT "FK_57519bf9a574231ec5c79c4e08c" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_overrides"
            ADD CONSTRAINT "FK_a706b90faf7c2d7ce9d617405a1" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    // Helpers for progress ingestion (set-based upserts of item_progress).
    await queryRunner.query(`
            CREATE FUNCTION accord_union(a nummultirange, b nummultirange) RETURNS nummultirange
            LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a + b END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION accord_coverage(watched nummultirange, duration integer) RETURNS double precision
            LANGUAGE sql IMMUTABLE AS $$
                SELECT CASE WHEN watched IS NULL OR duration IS NULL OR duration <= 0 THEN NULL ELSE
                    LEAST(100, 100 * COALESCE((SELECT sum(upper(r) - lower(r)) FROM unnest(watched * nummultirange(numrange(0, duration))) AS r), 0) / duration)::double precision
                END
            $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION accord_item_percent(old_percent double precision, watched nummultirange, duration integer, reported double precision)
            RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
                SELECT GREATEST(COALESCE(old_percent, 0), COALESCE(accord_coverage(watched, duration), reported, 0))
            $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION accord_item_percent(double precision, nummultirange, integer, double precision)`);
    await queryRunner.query(`DROP FUNCTION accord_coverage(nummultirange, integer)`);
    await queryRunner.query(`DROP FUNCTION accord_union(nummultirange, nummultirange)`);

    await queryRunner.query(`
            ALTER TABLE "assignment_overrides" DROP CONSTRAINT "FK_a706b90faf7c2d7ce9d617405a1"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_overrides" DROP CONSTRAINT "FK_57519bf9a574231ec5c79c4e08c"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_enrolments" DROP CONSTRAINT "FK_5786fcadd708daa8f169b17dd6a"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignment_enrolments" DROP CONSTRAINT "FK_d91ef3ae4cffcdbd9bc08d219e4"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments" DROP CONSTRAINT "FK_3a4f0acaa50db2b5049f191ec57"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments" DROP CONSTRAINT "FK_a27b75778c882eb47f906832a09"
        `);
    await queryRunner.query(`
            ALTER TABLE "assignments" DROP CONSTRAINT "FK_33f833f305070d2d4e6305d8a0c"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."enrolments_course_percent_idx"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP COLUMN "progress_percent"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP COLUMN "completed_required"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."progress_events_enrolment_item_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "progress_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."module_completions_module_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "module_completions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."item_progress_item_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "item_progress"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."assignment_overrides_enrolment_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "assignment_overrides"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."assignment_enrolments_enrolment_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "assignment_enrolments"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."assignments_course_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."assignments_module_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "assignments"
        `);
  }
}
