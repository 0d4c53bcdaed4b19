import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes writing reminders cheap enough for a course-wide assignment (three rows per student in one
 * statement): two indexes and both per-row foreign keys go.
 *
 * - The dedupe key's unique index now leads with the enrolment, so it also serves lookups by
 *   enrolment (its own index is gone). Every key already names its enrolment, so nothing that was
 *   unique stops being unique.
 * - Per-row foreign key checks cost about a third of such an insert. They become one check per
 *   statement over the inserted rows (a transition table): each row must name an enrolment and
 *   that enrolment's user, which is stronger than the two keys it replaces. The enrolments are
 *   locked FOR KEY SHARE as a foreign key would, deleting enrolments deletes their reminders
 *   (users' deletions reach them through enrolments), neither side's ids may change, and
 *   enrolments cannot be truncated while reminders exist (truncate reminders first).
 *   One difference remains: the cascade runs in the deleting transaction's snapshot, so under
 *   REPEATABLE READ or SERIALIZABLE (Accord uses READ COMMITTED) a reminder committed after that
 *   snapshot would survive its enrolment's deletion rather than raise a serialization error.
 */
export class ReminderFanOut1795607466821 implements MigrationInterface {
  name = 'ReminderFanOut1795607466821';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reminders" DROP CONSTRAINT "FK_586e0b8e419125be507701cee2a"`);
    await queryRunner.query(`ALTER TABLE "reminders" DROP CONSTRAINT "FK_10bfd5dbe91796a3777697cbe49"`);
    await queryRunner.query(`DROP INDEX "public"."reminders_dedupe_unique"`);
    await queryRunner.query(`DROP INDEX "public"."reminders_enrolment_idx"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "reminders_dedupe_unique" ON "reminders" ("enrolment_id", "dedupe_key")`);
    await queryRunner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM reminders r WHERE NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.id = r.enrolment_id AND e.user_id = r.user_id)) THEN
          RAISE EXCEPTION 'some reminders name a user other than their enrolment''s: fix them before this migration';
        END IF;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION accord_reminders_refer_to_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        wanted bigint;
        found bigint;
      BEGIN
        -- One statement finds the enrolments the new rows name, with those rows' users, and locks
        -- them as a foreign key would; every distinct (enrolment, user) pair must have been found.
        SELECT count(*) INTO wanted FROM (SELECT DISTINCT enrolment_id, user_id FROM new_reminders) pairs;
        SELECT count(*) INTO found FROM (
          SELECT 1 FROM enrolments e WHERE (e.id, e.user_id) IN (SELECT enrolment_id, user_id FROM new_reminders) FOR KEY SHARE OF e
        ) locked;
        IF found <> wanted THEN
          RAISE EXCEPTION 'every reminder must refer to an enrolment and that enrolment''s user' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER reminders_refer_to_enrolments AFTER INSERT ON "reminders"
      REFERENCING NEW TABLE AS new_reminders FOR EACH STATEMENT EXECUTE FUNCTION accord_reminders_refer_to_enrolments()`);
    await queryRunner.query(`
      CREATE FUNCTION accord_refuse_changed_reference() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Each table's own columns only: PL/pgSQL resolves NEW.x even in a branch that cannot apply.
        IF TG_TABLE_NAME = 'reminders' THEN
          IF NEW.enrolment_id IS DISTINCT FROM OLD.enrolment_id OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
            RAISE EXCEPTION 'a reminder may not change its enrolment or user' USING ERRCODE = 'foreign_key_violation';
          END IF;
        ELSIF NEW.id IS DISTINCT FROM OLD.id OR NEW.user_id IS DISTINCT FROM OLD.user_id THEN
          RAISE EXCEPTION 'an enrolment may not change its id or user: reminders refer to both' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER reminders_keep_enrolment BEFORE UPDATE OF enrolment_id, user_id ON "reminders"
      FOR EACH ROW EXECUTE FUNCTION accord_refuse_changed_reference()`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_keep_reminders BEFORE UPDATE OF id, user_id ON "enrolments"
      FOR EACH ROW EXECUTE FUNCTION accord_refuse_changed_reference()`);
    await queryRunner.query(`
      CREATE FUNCTION accord_delete_enrolment_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM reminders r USING old_enrolments o WHERE r.enrolment_id = o.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_delete_reminders AFTER DELETE ON "enrolments"
      REFERENCING OLD TABLE AS old_enrolments FOR EACH STATEMENT EXECUTE FUNCTION accord_delete_enrolment_reminders()`);
    await queryRunner.query(`
      CREATE FUNCTION accord_refuse_truncating_enrolments() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM reminders) THEN
          RAISE EXCEPTION 'reminders refer to enrolments: truncate reminders first' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_refuse_truncate BEFORE TRUNCATE ON "enrolments"
      FOR EACH STATEMENT EXECUTE FUNCTION accord_refuse_truncating_enrolments()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER enrolments_refuse_truncate ON "enrolments"`);
    await queryRunner.query(`DROP FUNCTION accord_refuse_truncating_enrolments()`);
    await queryRunner.query(`DROP TRIGGER enrolments_delete_reminders ON "enrolments"`);
    await queryRunner.query(`DROP FUNCTION accord_delete_enrolment_reminders()`);
    await queryRunner.query(`DROP TRIGGER enrolments_keep_reminders ON "enrolments"`);
    await queryRunner.query(`DROP TRIGGER reminders_keep_enrolment ON "reminders"`);
    await queryRunner.query(`DROP FUNCTION accord_refuse_changed_reference()`);
    await queryRunner.query(`DROP TRIGGER reminders_refer_to_enrolments ON "reminders"`);
    await queryRunner.query(`DROP FUNCTION accord_reminders_refer_to_enrolments()`);
    await queryRunner.query(`DROP INDEX "public"."reminders_dedupe_unique"`);
    await queryRunner.query(`CREATE INDEX "reminders_enrolment_idx" ON "reminders" ("enrolment_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "reminders_dedupe_unique" ON "reminders" ("dedupe_key")`);
    await queryRunner.query(`
      ALTER TABLE "reminders"
      ADD CONSTRAINT "FK_10bfd5dbe91796a3777697cbe49" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`
      ALTER TABLE "reminders"
      ADD CONSTRAINT "FK_586e0b8e419125be507701cee2a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }
}
