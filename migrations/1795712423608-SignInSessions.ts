import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * auth_sessions: one row per sign-in (the refresh-token family), so a logout, a password change or
 * a refresh-token reuse can mark the whole session revoked in one place. Access tokens name it
 * (`sid`), and the per-request check refuses tokens of sessions revoked within their lifetime.
 * Existing families become sessions (revoked when none of their tokens is still unrevoked), and
 * refresh_tokens.family_id becomes a foreign key to them.
 */
export class SignInSessions1795712423608 implements MigrationInterface {
  name = 'SignInSessions1795712423608';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "auth_sessions" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "auth_sessions_user_revoked_idx" ON "auth_sessions" ("user_id", "revoked_at")`);
    await queryRunner.query(
      `ALTER TABLE "auth_sessions" ADD CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      INSERT INTO "auth_sessions" ("id", "user_id", "created_at", "revoked_at")
      SELECT "family_id", min("user_id"::text)::uuid, min("created_at"),
             CASE WHEN bool_and("revoked_at" IS NOT NULL) THEN max("revoked_at") END
      FROM "refresh_tokens" GROUP BY "family_id"`);
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_d5e27da0cd39bc3bb2811fc8bac" FOREIGN KEY ("family_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_d5e27da0cd39bc3bb2811fc8bac"`);
    await queryRunner.query(`ALTER TABLE "auth_sessions" DROP CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6"`);
    await queryRunner.query(`DROP INDEX "public"."auth_sessions_user_revoked_idx"`);
    await queryRunner.query(`DROP TABLE "auth_sessions"`);
  }
}
