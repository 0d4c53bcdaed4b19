import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795591812979 implements MigrationInterface {
  name = 'Init1795591812979';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_log" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "actor_id" uuid,
                "action" character varying(64) NOT NULL,
                "entity" character varying(64) NOT NULL,
                "entity_id" uuid,
                "before" jsonb,
                "after" jsonb,
                "request_id" character varying(128),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_created_idx" ON "audit_log" ("created_at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_actor_idx" ON "audit_log" ("actor_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "audit_log_entity_idx" ON "audit_log" ("entity", "entity_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" character varying(320) NOT NULL,
                "name" character varying(200) NOT NULL,
                "role" character varying(16) NOT NULL,
                "timezone" character varying(64) NOT NULL DEFAULT 'UTC',
                "password_hash" text,
                "is_active" boolean NOT NULL DEFAULT true,
                "token_version" integer NOT NULL DEFAULT '0',
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "deactivated_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "users_role_idx" ON "users" ("role")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "users_email_unique" ON "users" ("email")
        `);
    await queryRunner.query(`
            CREATE TABLE "password_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_816120c39410c02dabd34b8672b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "password_tokens_hash_unique" ON "password_tokens" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "password_tokens_user_idx" ON "password_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "family_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "refresh_tokens_hash_unique" ON "refresh_tokens" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" ("family_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "password_tokens"
            ADD CONSTRAINT "FK_5ac1fd8593c46bf145b2b886195" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"
        `);
    await queryRunner.query(`
            ALTER TABLE "password_tokens" DROP CONSTRAINT "FK_5ac1fd8593c46bf145b2b886195"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_family_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_user_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."refresh_tokens_hash_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."password_tokens_user_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."password_tokens_hash_unique"
        `);
    await queryRunner.query(`
            DROP TABLE "password_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."users_email_unique"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."users_role_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_entity_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_actor_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."audit_log_created_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_log"
        `);
  }
}
