import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Catalogue1795592568088 implements MigrationInterface {
  name = 'Catalogue1795592568088';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "courses" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "slug" character varying(200) NOT NULL,
                "title" character varying(300) NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "status" character varying(16) NOT NULL DEFAULT 'draft',
                "timezone" character varying(64) NOT NULL DEFAULT 'UTC',
                "reminder_policy" jsonb NOT NULL,
                "created_by" uuid,
                "published_at" TIMESTAMP WITH TIME ZONE,
                "archived_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3f70a487cc718ad8eda4e6d58c9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "courses_slug_unique" ON "courses" ("slug")
        `);
    await queryRunner.query(`
            CREATE INDEX "courses_created_idx" ON "courses" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "course_instructors" (
                "course_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f241346add27e0558964b84e966" PRIMARY KEY ("course_id", "user_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "course_instructors_user_idx" ON "course_instructors" ("user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "materials" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "slug" character varying(200) NOT NULL,
                "title" character varying(300) NOT NULL,
                "kind" character varying(32) NOT NULL,
                "summary" text NOT NULL DEFAULT '',
                "url" character varying(2000) NOT NULL,
                "duration_seconds" integer,
                "authors" text array NOT NULL DEFAULT '{}',
                "tags" text array NOT NULL DEFAULT '{}',
                "published_at" date,
                "search" tsvector,
                "created_by" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2fd1a93ecb222a28bef28663fa0" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "materials_slug_unique" ON "materials" ("slug")
        `);
    await queryRunner.query(`
            CREATE INDEX "materials_created_idx" ON "materials" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "modules" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "course_id" uuid NOT NULL,
                "title" character varying(300) NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "position" integer NOT NULL,
                "unlock_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "modules_course_position_unique" UNIQUE ("course_id", "position") DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT "PK_7dbefd488bd96c5bf31f0ce0c95" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "items" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "module_id" uuid NOT NULL,
                "material_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "required" boolean NOT NULL DEFAULT true,
                "completion" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "items_module_position_unique" UNIQUE ("module_id", "position") DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT "PK_ba5885359424c15ca6b9e79bcf6" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "items_material_idx" ON "items" ("material_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "module_prerequisites" (
                "module_id" uuid NOT NULL,
                "prerequisite_id" uuid NOT NULL,
                CONSTRAINT "PK_b70a25806dad7e9202e732a0670" PRIMARY KEY ("module_id", "prerequisite_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "module_prerequisites_prereq_idx" ON "module_prerequisites" ("prerequisite_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "cohorts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "course_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_fd38f76b135e907b834fda1e752" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "cohorts_course_name_unique" ON "cohorts" ("course_id", "name")
        `);
    await queryRunner.query(`
            CREATE TABLE "enrolments" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "course_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "cohort_id" uuid,
                "status" character varying(16) NOT NULL DEFAULT 'invited',
                "activated_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "dropped_at" TIMESTAMP WITH TIME ZONE,
                "last_activity_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6e79971fbd26967c4da9ed52770" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "enrolments_cohort_idx" ON "enrolments" ("cohort_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "enrolments_course_created_idx" ON "enrolments" ("course_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "enrolments_user_idx" ON "enrolments" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "enrolments_course_user_unique" ON "enrolments" ("course_id", "user_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "course_instructors"
            ADD CONSTRAINT "FK_ff1fe7ba07418a03281c94fac46" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "course_instructors"
            ADD CONSTRAINT "FK_c204a45ca0de73f6b7d2d0f9442" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "modules"
            ADD CONSTRAINT "FK_0a00005552998b16b7e89340843" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "items"
            ADD CONSTRAINT "FK_7cc48ffaba17bfd7c7f009faea8" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "items"
            ADD CONSTRAINT "FK_551a6e34bd8b3882534eafa659e" FOREIGN KEY ("material_id") REFERENCES "materials"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "module_prerequisites"
            ADD CONSTRAINT "FK_c7a16ae2563ce760b1afdeef575" FOREIGN KEY ("module_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "module_prerequisites"
            ADD CONSTRAINT "FK_c04ca47313c57fd1f893bf4ec8e" FOREIGN KEY ("prerequisite_id") REFERENCES "modules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts"
            ADD CONSTRAINT "FK_f4228ff8a867fe9bdc7fe5d07ee" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "FK_88e4829cd9da8e01cc305788db5" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "FK_7eb4b01f52fb0ce0e3136d87c76" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "FK_0e675e00a0c3497c936092fdbb6" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    // Full-text search: a trigger keeps materials.search (weighted), a GIN index serves it.
    await queryRunner.query(`
            CREATE FUNCTION materials_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search :=
                    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
                    setweight(to_tsvector('english', coalesce(array_to_string(NEW.tags, ' '), '')), 'B') ||
                    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
                    setweight(to_tsvector('english', coalesce(array_to_string(NEW.authors, ' '), '')), 'C');
                RETURN NEW;
            END
            $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER materials_search_refresh BEFORE INSERT OR UPDATE OF title, summary, tags, authors ON "materials"
            FOR EACH ROW EXECUTE FUNCTION materials_search_refresh()
        `);
    await queryRunner.query(`CREATE INDEX "materials_search_idx" ON "materials" USING GIN ("search")`);
    await queryRunner.query(`CREATE INDEX "materials_tags_idx" ON "materials" USING GIN ("tags")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."materials_tags_idx"`);
    await queryRunner.query(`DROP INDEX "public"."materials_search_idx"`);
    await queryRunner.query(`DROP TRIGGER materials_search_refresh ON "materials"`);
    await queryRunner.query(`DROP FUNCTION materials_search_refresh()`);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "FK_0e675e00a0c3497c936092fdbb6"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "FK_7eb4b01f52fb0ce0e3136d87c76"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "FK_88e4829cd9da8e01cc305788db5"
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts" DROP CONSTRAINT "FK_f4228ff8a867fe9bdc7fe5d07ee"
        `);
    await queryRunner.query(`
            ALTER TABLE "module_prerequisites" DROP CONSTRAINT "FK_c04ca47313c57fd1f893bf4ec8e"
        `);
    await queryRunner.query(`
            ALTER TABLE "module_prerequisites" DROP CONSTRAINT "FK_c7a16ae2563ce760b1afdeef575"
        `);
    await queryRunner.query(`
            ALTER TABLE "items" DROP CONSTRAINT "FK_551a6e34bd8b3882534eafa659e"
        `);
    await queryRunner.query(`
            ALTER TABLE "items" DROP CONSTRAINT "FK_7cc48ffaba17bfd7c7f009faea8"
        `);
    await queryRunner.query(`
            ALTER TABLE "modules" DROP CONSTRAINT "FK_0a00005552998b16b7e89340843"
        `);
    await queryRunner.query(`
            ALTER TABLE "course_instructors" DROP CONSTRAINT "FK_c204a45ca0de73f6b7d2d0f9442"
        `);
    await queryRunner.query(`
            ALTER TABLE "course_instructors" DROP CONSTRAINT "FK_ff1fe7ba07418a03281c94fac46"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."enrolments_course_user_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."enrolments_user_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."enrolments_course_created_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."enrolments_cohort_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "enrolments"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."cohorts_course_name_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "cohorts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."module_prerequisites_prereq_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "module_prerequisites"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."items_material_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "items"
        `);
    await queryRunner.query(`
            DROP TABLE "modules"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."materials_created_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."materials_slug_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "materials"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."course_instructors_user_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "course_instructors"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."courses_created_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."courses_slug_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "courses"
        `);
  }
}
