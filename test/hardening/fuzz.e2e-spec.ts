import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ADMIN, bearer, createUser, login, startTestApp, TestApp } from '../helpers/app';
import { MATRIX } from './authz-matrix';

/**
 * Property-based fuzzing from openapi.json: for every route, bodies shaped like the request schema
 * but filled with hostile values (wrong types, missing and unknown fields, huge and unicode
 * strings, negative and huge numbers, bad UUIDs and cursors, SQL and template injection), as an
 * admin (who reaches the most code) and as a student. Never a 5xx, always problem+json for
 * errors, never a stack trace or SQL in a body. Seeded, so a failure reproduces:
 * FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm test -- test/hardening/fuzz
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; $ref?: string; enum?: unknown[]; format?: string; oneOf?: Schema[]; nullable?: boolean };
type Parameter = { name: string; in: 'path' | 'query'; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };

const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const HOSTILE_STRINGS = [
  "' OR '1'='1' --",
  "'; DROP TABLE users; --",
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '\u0000\u0001\u001f',
  '😀'.repeat(300),
  'Ω≈ç√∫˜µ≤≥÷',
  '\u202e\u202d',
  'x'.repeat(70_000),
  '',
  ' ',
  'null',
  '-1',
  '1e309',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'eyJhbGciOiJub25lIn0.e30.',
];

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -0.5),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 }),
);

function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return spec.components.schemas[schema.$ref.split('/').pop()!];
  return schema?.oneOf ? resolve(schema.oneOf[0]) : schema;
}

/** A value that fits the schema's shape, or (often) a hostile one in its place. */
function shaped(schemaIn: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  if (!schema || depth > 3) return hostile;
  let fitting: fc.Arbitrary<unknown>;
  if (schema.enum) fitting = fc.constantFrom(...schema.enum);
  else if (schema.type === 'object' || schema.properties) {
    const props = Object.entries(schema.properties ?? {});
    fitting = fc
      .tuple(
        fc.record(Object.fromEntries(props.map(([k, v]) => [k, shaped(v, depth + 1)])), { requiredKeys: [] }),
        fc.option(fc.tuple(fc.constantFrom('isAdmin', 'role', '__proto__', 'constructor', 'id', 'passwordHash'), hostile), { nil: undefined }),
      )
      .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
  } else if (schema.type === 'array') fitting = fc.array(shaped(schema.items, depth + 1), { maxLength: depth === 0 ? 30 : 4 });
  else if (schema.type === 'integer' || schema.type === 'number') fitting = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double());
  else if (schema.type === 'boolean') fitting = fc.boolean();
  else if (schema.format === 'uuid') fitting = fc.uuid();
  else if (schema.format === 'date-time') fitting = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  else if (schema.format === 'email') fitting = fc.emailAddress();
  else fitting = fc.string({ maxLength: 60 });
  return fc.oneof({ arbitrary: fitting, weight: 3 }, { arbitrary: hostile, weight: 2 });
}

const LEAK = /(\bat [\w.<>]+ \(|node_modules|\/src\/|QueryFailedError|SELECT\s|INSERT\s|UPDATE\s|syntax error at|duplicate key value|violates|TypeError|ReferenceError)/;

describe(`fuzzing every route from openapi.json (seed ${SEED}, ${RUNS} runs per route)`, () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const counts: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
    tokens.admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const student = await createUser(t, tokens.admin, { email: 'fuzz-student@test.local', role: 'student' });
    tokens.student = student.accessToken;
    const post = async (path: string, body: object) => (await t.http().post(path).set(bearer(tokens.admin)).send(body)).body;
    ids.materials = (await post('/api/v1/materials', { title: 'Fuzz video', kind: 'video', url: 'https://example.edu/v', durationSeconds: 100 })).id;
    ids.courses = (await post('/api/v1/courses', { title: 'Fuzz course' })).id;
    ids.modules = (await post(`/api/v1/courses/${ids.courses}/modules`, { title: 'Fuzz module' })).id;
    ids.items = (await post(`/api/v1/modules/${ids.modules}/items`, { materialId: ids.materials, completion: { type: 'watch', minPercent: 50 } })).id;
    await post(`/api/v1/courses/${ids.courses}/publish`, {});
    ids.cohorts = (await post(`/api/v1/courses/${ids.courses}/cohorts`, { name: 'Fuzz' })).id;
    ids.enrolments = (await post(`/api/v1/courses/${ids.courses}/enrolments`, { userId: student.id })).id;
    ids.assignments = (await post(`/api/v1/courses/${ids.courses}/assignments`, { moduleId: ids.modules, dueAt: new Date(Date.now() + 86_400_000).toISOString(), target: { type: 'course' } })).id;
    ids.users = (await t.db.query("INSERT INTO users (email, name, role) VALUES ('fuzz-victim@test.local', 'V', 'student') RETURNING id")).rows[0].id;
    ids.admin = (await t.db.query('SELECT id FROM reminders LIMIT 1')).rows[0].id;
  });
  afterAll(async () => {
    // `npm run test:hardening` (FUZZ_RUNS set) records how many cases ran per route.
    const dir = join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    if (process.env.FUZZ_RUNS) writeFileSync(join(dir, 'fuzz.json'), `${JSON.stringify({ seed: SEED, runsPerRouteAndCaller: RUNS, requestsPerRoute: counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }, null, 2)}\n`);
    await t.close();
  });

  const routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op, key: `${method.toUpperCase()} ${path}` })),
  );

  it.each(routes.map((r) => [r.key, r] as const))('%s survives hostile input', async (key, route) => {
    const scope = route.path.split('/')[3];
    const params = (route.op.parameters ?? []) as Parameter[];
    const bodySchema = route.op.requestBody?.content?.['application/json']?.schema;
    const pathValue = (name: string) => fc.oneof({ arbitrary: fc.constant(name === 'courseId' ? ids.courses : name === 'enrolmentId' ? ids.enrolments : name === 'userId' ? ids.users : (ids[scope] ?? ids.courses)), weight: 3 }, { arbitrary: fc.constantFrom('not-a-uuid', "1' OR '1'='1", '../x', '%00', '00000000-0000-0000-0000-000000000000', '9'.repeat(60)), weight: 1 });
    const request = fc.record({
      caller: fc.constantFrom('admin', 'student'),
      path: fc.tuple(...params.filter((p) => p.in === 'path').map((p) => pathValue(p.name)), fc.constant(null)).map((values) => {
        let path = route.path;
        params.filter((p) => p.in === 'path').forEach((p, i) => (path = path.replace(`{${p.name}}`, encodeURIComponent(String(values[i])))));
        return path;
      }),
      query: fc.dictionary(fc.constantFrom(...params.filter((p) => p.in === 'query').map((p) => p.name), 'cursor', 'limit', 'unknown'), fc.oneof(fc.constantFrom('eyJ4IjoxfQ', '-1', '999999', 'abc', '', '%', "' OR 1=1"), fc.string({ maxLength: 20 })), { maxKeys: 3 }),
      body: bodySchema ? shaped(bodySchema) : fc.constant(undefined),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ caller, path, query, body }) => {
        counts[key] = (counts[key] ?? 0) + 1;
        let req = (t.http() as any)[route.method](path).query(query);
        if (!MATRIX[key]?.public || key.includes('/me')) req = req.set(bearer(tokens[caller]));
        const res = await (body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body)));
        const text = typeof res.text === 'string' ? res.text : JSON.stringify(res.body ?? '');
        if (res.status >= 500) throw new Error(`${res.status} for ${route.method.toUpperCase()} ${path} ${JSON.stringify(body)?.slice(0, 300)}: ${text.slice(0, 300)}`);
        if (res.status >= 400 && !/application\/problem\+json/.test(res.headers['content-type'] ?? '') && !/text\/html/.test(res.headers['content-type'] ?? '')) {
          throw new Error(`${res.status} without problem+json for ${path}: ${res.headers['content-type']}`);
        }
        if (LEAK.test(text.slice(0, 20_000)) && res.status >= 400) throw new Error(`internals leaked for ${path}: ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
