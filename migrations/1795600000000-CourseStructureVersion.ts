import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * courses.structure_version, bumped by triggers on every change to a course's modules, items or
 * module prerequisites (whoever makes it), so a process may cache a course's structure and know
 * from one integer whether its copy is current.
 */
export class CourseStructureVersion1795600000000 implements MigrationInterface {
  name = 'CourseStructureVersion1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "courses" ADD "structure_version" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      CREATE FUNCTION accord_bump_structure_version() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed record;
      BEGIN
        IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
        IF TG_TABLE_NAME = 'modules' THEN
          UPDATE courses SET structure_version = structure_version + 1 WHERE id = changed.course_id;
          IF TG_OP = 'UPDATE' AND OLD.course_id <> NEW.course_id THEN
            UPDATE courses SET structure_version = structure_version + 1 WHERE id = OLD.course_id;
          END IF;
        ELSE
          UPDATE courses SET structure_version = structure_version + 1
          WHERE id IN (SELECT m.course_id FROM modules m WHERE m.id = changed.module_id);
          IF TG_OP = 'UPDATE' AND OLD.module_id <> NEW.module_id THEN
            UPDATE courses SET structure_version = structure_version + 1
            WHERE id IN (SELECT m.course_id FROM modules m WHERE m.id = OLD.module_id);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['modules', 'items', 'module_prerequisites']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_structure_version AFTER INSERT OR DELETE ON "${table}"
        FOR EACH ROW EXECUTE FUNCTION accord_bump_structure_version()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_structure_version_update AFTER UPDATE ON "${table}"
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION accord_bump_structure_version()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['modules', 'items', 'module_prerequisites']) {
      await queryRunner.query(`DROP TRIGGER ${table}_structure_version_update ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER ${table}_structure_version ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION accord_bump_structure_version()`);
    await queryRunner.query(`ALTER TABLE "courses" DROP COLUMN "structure_version"`);
  }
}
