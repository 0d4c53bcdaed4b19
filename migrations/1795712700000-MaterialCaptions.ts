import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * materials.captions_url: an optional WebVTT captions track for a video, which the web player
 * loads beside the material's url. Nullable, so existing rows need no value.
 */
export class MaterialCaptions1795712700000 implements MigrationInterface {
  name = 'MaterialCaptions1795712700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "materials" ADD "captions_url" character varying(2000)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "materials" DROP COLUMN "captions_url"`);
  }
}
