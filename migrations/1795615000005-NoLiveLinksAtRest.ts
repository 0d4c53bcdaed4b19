import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unsubscribe and set-password links as composed before: `<base>/<page>?token=<value>` (HTML
 * escapes "=" as "&#x3D;"). Goes inside a SQL string literal, hence the doubled quote.
 */
const link = (page: string) => `https?://[^\\s"''<>]*/${page}\\?token(=|&#x3D;)[A-Za-z0-9_.%-]*`;

/**
 * Stored reminder bodies no longer hold working tokens: the sender now stores markers and puts
 * the live links in at send time. This replaces the links in rows composed before with those
 * markers, so a retry of such a row gets live links again and a copy of the table gets none.
 * (Data only; the schema does not change.)
 */
export class NoLiveLinksAtRest1795615000005 implements MigrationInterface {
  name = 'NoLiveLinksAtRest1795615000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const scrub = (column: string) =>
      `regexp_replace(regexp_replace(${column}, '${link('unsubscribe')}', 'urn:accord-link:unsubscribe', 'g'), '${link('set-password')}', 'urn:accord-link:set-password', 'g')`;
    await queryRunner.query(
      `UPDATE reminders SET body_text = ${scrub('body_text')}, body_html = ${scrub('body_html')}
       WHERE body_text ~ 'token(=|&#x3D;)' OR body_html ~ 'token(=|&#x3D;)'`,
    );
  }

  public async down(): Promise<void> {
    // The removed tokens cannot (and should not) come back; re-sent rows get live links anyway.
  }
}
