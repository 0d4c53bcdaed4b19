import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, login, startTestApp } from '../helpers/app';

/** Issue 13 item 2: a bulk import is counted before any row is validated, and its error lists are capped. */
describe('bulk import limits (e2e)', () => {
  let t: TestApp;
  let token: string;
  let course: string;

  const bulk = (body: string, contentType: string, query = '?dryRun=true') =>
    t.http().post(`/api/v1/courses/${course}/enrolments/bulk${query}`).set(bearer(token)).set('Content-Type', contentType).send(body);
  const enrolments = async () => (await t.db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [course])).rows[0].n;

  beforeAll(async () => {
    t = await startTestApp();
    token = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    course = (await t.http().post('/api/v1/courses').set(bearer(token)).send({ title: 'Bulk limits' })).body.id;
  });
  afterAll(() => t.close());

  it('answers 413 naming the limit to a million empty JSON rows (3 MB), without validating one', async () => {
    const body = `{"rows":[${'{},'.repeat(999_999)}{}]}`;
    const res = await bulk(body, 'application/json');
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toBe(
      'An import takes at most 10000 rows and 8388608 bytes (8 MiB); this one has more than 10000 rows. Split the file.',
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.text.length).toBeLessThan(1_000);
  });

  it('answers 413 to 10,001 JSON rows and 10,001 CSV rows alike, and to a CSV of a million lines', async () => {
    const json = await bulk(
      JSON.stringify({ rows: Array.from({ length: 10_001 }, (_, i) => ({ email: `j${i}@limits.test` })) }),
      'application/json',
      '',
    );
    const csv = await bulk(['email', ...Array.from({ length: 10_001 }, (_, i) => `c${i}@limits.test`)].join('\n'), 'text/csv', '');
    const huge = await bulk(`email\n${'x@limits.test\n'.repeat(500_000)}`, 'text/csv', '');
    const semicolons = await bulk(
      ['email;name', ...Array.from({ length: 10_001 }, (_, i) => `s${i}@limits.test;S`)].join('\r\n'),
      'text/plain',
      '',
    );
    for (const res of [json, csv, huge, semicolons]) {
      expect(res.status).toBe(413);
      expect(res.body.detail).toMatch(/^An import takes at most 10000 rows and 8388608 bytes \(8 MiB\); this one has/);
    }
    expect(await enrolments()).toBe(0);
  });

  it('answers 413 naming both limits to a CSV body past the byte limit, whatever its content type', async () => {
    const big = `email\n${'a-rather-long-address-to-fill-the-file@limits.test\n'.repeat(170_000)}`; // ~8.8 MB
    for (const type of ['text/csv', 'application/vnd.ms-excel', 'text/plain']) {
      const res = await bulk(big, type, '');
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toBe(
        'An import takes at most 10000 rows and 8388608 bytes (8 MiB); this one is larger than 8388608 bytes. Split the file.',
      );
    }
    expect(await enrolments()).toBe(0);
  });

  it('declares maxItems 10000 for JSON rows in the served OpenAPI document, the limit it enforces', async () => {
    const spec = (await t.http().get('/api/docs-json')).body;
    expect(spec.components.schemas.BulkEnrolDto.properties.rows.maxItems).toBe(10_000);
    expect(JSON.stringify(spec)).not.toMatch(/"maxItems":1000000\b/);
  });

  it('still takes exactly 10,000 rows', async () => {
    const res = await bulk(
      JSON.stringify({ rows: Array.from({ length: 10_000 }, (_, i) => ({ email: `ok${i}@limits.test` })) }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 10_000, failed: [], failedCount: 0, dryRun: true });
  });

  it('lists the first 1,000 failed rows in row order and counts them all', async () => {
    const csv = ['email', ...Array.from({ length: 10_000 }, (_, i) => `not-an-email-${i}`)].join('\n');
    const res = await bulk(csv, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body.failedCount).toBe(10_000);
    expect(res.body.failed).toHaveLength(1_000);
    expect(res.body.failed[0]).toEqual({ row: 1, email: 'not-an-email-0', error: 'invalid email' });
    expect(res.body.failed[999].row).toBe(1_000);
    expect(res.body.created).toBe(0);
  });

  it('caps the field errors of a 10,000-row JSON body that fails validation, with the total', async () => {
    const res = await bulk(JSON.stringify({ rows: Array.from({ length: 10_000 }, () => ({})) }), 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1_000);
    expect(res.body.errors[0]).toEqual({ field: 'rows.0.email', message: expect.any(String) });
    expect(res.body.errorsTotal).toBeGreaterThanOrEqual(10_000);
    expect(res.text.length).toBeLessThan(200_000);
  });

  it('refuses rows that are not objects (400 naming them), not a 500', async () => {
    const res = await bulk(JSON.stringify({ rows: [[{ email: 'a@limits.test' }], 'b@limits.test', null] }), 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'rows', message: 'each value in rows must be an object' });
  });
});
