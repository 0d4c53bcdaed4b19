import 'reflect-metadata';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { generateOpenApi } from '../src/app.factory';
import { dataSourceOptions } from '../src/config/data-source-options';
import { loadConfig } from '../src/config/env';
import { OPENAPI_ENV } from '../scripts/openapi';
import { createTestDatabase, dropTestDatabase } from './helpers/database';

describe('committed artefacts stay true', () => {
  it('has migrations that match the entities (generating one would be empty)', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource({ ...dataSourceOptions(database.url, 1), migrations: [] });
    await dataSource.initialize();
    try {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await dropTestDatabase(database.name);
    }
  });

  it('has an openapi.json identical to the generated spec (run `npm run openapi`)', async () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    const generated = await generateOpenApi(loadConfig(OPENAPI_ENV));
    expect(generated).toEqual(committed);
  });

  it('gives every operation a summary, a description, a described tag and the answers its guards and limiter give', async () => {
    const document = await generateOpenApi(loadConfig(OPENAPI_ENV));
    const tags = new Set((document.tags ?? []).map((tag) => tag.name));
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'put', 'post', 'patch', 'delete'] as const).flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])),
    );
    expect(operations.length).toBeGreaterThan(60);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, summary: Boolean(op.summary), description: /\*\*Who may call:\*\*/.test(op.description ?? '') }).toEqual({
        where,
        summary: true,
        description: true,
      });
      expect({ where, tagged: (op.tags ?? []).length > 0 && (op.tags ?? []).every((tag) => tags.has(tag)) }).toEqual({
        where,
        tagged: true,
      });
      expect({ where, has: ['400', '500'].filter((status) => op.responses[status]) }).toEqual({ where, has: ['400', '500'] });
      // Public routes declare `security: [{}]` (no credentials); only a named scheme means a 401 can happen.
      const secured = (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
      if (secured) expect({ where, has401: Boolean(op.responses['401']) }).toEqual({ where, has401: true });
      if (!path.startsWith('/api/v1/health/')) expect({ where, has429: Boolean(op.responses['429']) }).toEqual({ where, has429: true });
    }
    const course = document.paths['/api/v1/courses/{id}'].get!;
    expect(course.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', schema: expect.objectContaining({ format: 'uuid' }) }),
    );
    type Answer = { headers?: Record<string, unknown> };
    expect((document.components?.responses?.TooManyRequests as Answer).headers).toEqual(
      expect.objectContaining({
        'Retry-After': expect.anything(),
        'RateLimit-Limit': expect.anything(),
        'RateLimit-Reset': expect.anything(),
      }),
    );
    // The limiter's headers are declared on success answers too, and the health probes (never counted) have none.
    expect(Object.keys((course.responses['200'] as Answer).headers ?? {})).toEqual(
      expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
    );
    expect(document.paths['/api/v1/health/live'].get!.responses['429']).toBeUndefined();
  });

  it('keeps reminders tied to an enrolment and its user, as the foreign keys they replace did', async () => {
    const database = await createTestDatabase();
    const db = new Pool({ connectionString: database.url, max: 2 });
    try {
      const { rows } = await db.query(
        `WITH c AS (INSERT INTO courses (slug, title, reminder_policy) VALUES ('integrity', 'Integrity', '{}') RETURNING id),
              u AS (INSERT INTO users (email, name, role) VALUES ('a@integrity.test', 'A', 'student'), ('b@integrity.test', 'B', 'student') RETURNING id, email)
         INSERT INTO enrolments (course_id, user_id) SELECT c.id, u.id FROM c, u RETURNING id, user_id`,
      );
      const [a, b] = rows;
      const insert = (enrolmentId: string, userId: string, key: string) =>
        db.query(`INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for) VALUES ('welcome', $1, $2, $3, now())`, [
          userId,
          enrolmentId,
          key,
        ]);
      await insert(a.id, a.user_id, 'welcome:a');
      await insert(b.id, b.user_id, 'welcome:b');
      // Another student's enrolment, or one that does not exist: refused like a foreign key would.
      await expect(insert(a.id, b.user_id, 'welcome:mixed')).rejects.toMatchObject({ code: '23503' });
      await expect(insert('00000000-0000-4000-8000-000000000000', a.user_id, 'welcome:none')).rejects.toMatchObject({ code: '23503' });
      // Nobody may move a reminder, or an enrolment it refers to, to another enrolment or user.
      await expect(db.query('UPDATE reminders SET user_id = $1 WHERE enrolment_id = $2', [b.user_id, a.id])).rejects.toMatchObject({
        code: '23503',
      });
      await expect(db.query('UPDATE reminders SET enrolment_id = $1 WHERE enrolment_id = $2', [b.id, a.id])).rejects.toMatchObject({
        code: '23503',
      });
      await expect(db.query('UPDATE enrolments SET user_id = $1 WHERE id = $2', [b.user_id, a.id])).rejects.toMatchObject({
        code: '23503',
      });
      await expect(db.query('UPDATE enrolments SET id = gen_random_uuid() WHERE id = $1', [a.id])).rejects.toMatchObject({ code: '23503' });
      await expect(db.query('TRUNCATE enrolments CASCADE')).rejects.toMatchObject({ code: '23503' });
      // A reminder being written holds its enrolment: a concurrent delete waits, then takes the reminder with it.
      const writer = await db.connect();
      try {
        await writer.query('BEGIN');
        await writer.query(
          `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for) VALUES ('welcome', $1, $2, 'welcome:again', now())`,
          [a.user_id, a.id],
        );
        let deleted = false;
        const deleting = db.query('DELETE FROM enrolments WHERE id = $1', [a.id]).then(() => (deleted = true));
        await new Promise((r) => setTimeout(r, 300));
        expect(deleted).toBe(false);
        await writer.query('COMMIT');
        await deleting;
      } finally {
        writer.release();
      }
      expect((await db.query('SELECT dedupe_key FROM reminders ORDER BY dedupe_key')).rows.map((r) => r.dedupe_key)).toEqual(['welcome:b']);
      // Deleting a user deletes their enrolments, and so their reminders.
      await db.query('DELETE FROM users WHERE id = $1', [b.user_id]);
      expect((await db.query('SELECT count(*)::int AS n FROM reminders')).rows[0].n).toBe(0);
    } finally {
      await db.end();
      await dropTestDatabase(database.name);
    }
  });
});
