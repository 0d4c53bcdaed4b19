import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';

/** Inputs for the OpenAPI-driven fuzzer (fuzz.e2e-spec.ts): hostile values and whole classes of malformed requests. */

export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
  enum?: unknown[];
  format?: string;
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  example?: unknown;
  minimum?: number;
};
export type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; schema?: Schema };
export type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };

export const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/** Fixture ids by scope (`courses`, `modules`, ...), filled in by the spec's beforeAll. */
export type Ids = Record<string, string>;

/** Strings PostgreSQL cannot store or JavaScript cannot encode: each must be a 400 naming the field. */
export const UNSTORABLE_STRINGS = ['a\u0000b', '\u0000', '\ud800', 'x\udc00y', 'emoji cut in half \ud83d'];

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
  ...UNSTORABLE_STRINGS,
];

export const hostile: fc.Arbitrary<unknown> = fc.oneof(
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

export function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return spec.components.schemas[schema.$ref.split('/').pop()!];
  if (schema?.allOf?.length) return resolve(schema.allOf[0]);
  return schema?.oneOf ? resolve(schema.oneOf[0]) : schema;
}

/** A real id for a uuid field named like one of the fixtures (so a request gets past "not found" to the code behind it). */
function fixtureId(name: string, ids: Ids): string | undefined {
  const scope = {
    materialId: 'materials',
    moduleId: 'modules',
    itemId: 'items',
    userId: 'users',
    enrolmentId: 'enrolments',
    cohortId: 'cohorts',
    courseId: 'courses',
  }[name.replace(/s$/, '')];
  return scope ? ids[scope] : undefined;
}

/** A value that fits the schema's shape, or (often) a hostile one in its place. */
export function shaped(schemaIn: Schema | undefined, ids: Ids, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  if (!schema || depth > 4) return hostile;
  let fitting: fc.Arbitrary<unknown>;
  const id = fixtureId(name, ids);
  if (schema.enum) fitting = fc.constantFrom(...schema.enum);
  else if (schema.type === 'object' || schema.properties) {
    const props = Object.entries(schema.properties ?? {});
    fitting = fc
      .tuple(
        fc.record(Object.fromEntries(props.map(([k, v]) => [k, shaped(v, ids, depth + 1, k)])), { requiredKeys: [] }),
        fc.option(fc.tuple(fc.constantFrom('isAdmin', 'role', '__proto__', 'constructor', 'id', 'passwordHash'), hostile), {
          nil: undefined,
        }),
      )
      .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
  } else if (schema.type === 'array') {
    fitting = id ? fc.constant([id]) : fc.array(shaped(schema.items, ids, depth + 1), { maxLength: depth === 0 ? 30 : 4 });
  } else if (schema.type === 'integer' || schema.type === 'number') fitting = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double());
  else if (schema.type === 'boolean') fitting = fc.boolean();
  else if (schema.format === 'uuid') fitting = id ? fc.oneof(fc.constant(id), fc.uuid()) : fc.uuid();
  else if (schema.format === 'date-time') fitting = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  else if (schema.format === 'email') fitting = fc.emailAddress();
  else fitting = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...UNSTORABLE_STRINGS));
  return fc.oneof({ arbitrary: fitting, weight: 3 }, { arbitrary: hostile, weight: 2 });
}

/** A plausible complete body: every property filled with a value of the right shape (real ids where it can). */
export function complete(schemaIn: Schema | undefined, ids: Ids, name = '', depth = 0): unknown {
  const schema = resolve(schemaIn);
  if (!schema || depth > 6) return 'x';
  const id = fixtureId(name, ids);
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'object' || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, complete(v, ids, k, depth + 1)]));
  }
  if (schema.type === 'array') return id ? [id] : /Ids$/.test(name) ? [] : [complete(schema.items, ids, '', depth + 1)];
  if (schema.type === 'integer' || schema.type === 'number')
    return typeof schema.example === 'number' ? schema.example : Math.max(schema.minimum ?? 1, 1);
  if (schema.type === 'boolean') return true;
  if (schema.format === 'uuid') return id ?? '6f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f';
  if (schema.format === 'date-time') return new Date(Date.now() + 7 * 86_400_000).toISOString();
  if (schema.format === 'email') return 'fuzz-complete@test.local';
  if (schema.format === 'uri') return 'https://example.edu/fuzz';
  return typeof schema.example === 'string' ? schema.example : 'fuzz-value-12345';
}

/** Paths to every required property, through required objects and the first element of required arrays. */
export function requiredPaths(schemaIn: Schema | undefined, depth = 0): string[][] {
  const schema = resolve(schemaIn);
  if (!schema || depth > 6) return [];
  if (schema.type === 'array') return requiredPaths(schema.items, depth + 1).map((p) => ['0', ...p]);
  const paths: string[][] = [];
  for (const key of schema.required ?? []) {
    paths.push([key]);
    paths.push(...requiredPaths(schema.properties?.[key], depth + 1).map((p) => [key, ...p]));
  }
  return paths;
}

/** A copy of `value` with the property at `path` removed. */
export function omit(value: unknown, path: string[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  delete at[path[path.length - 1]];
  return copy;
}

/** 10,000 levels of arrays or objects (20–50 KB), alone or in a field of an ordinary body. */
export const deepBody = fc.constantFrom(
  '['.repeat(10_000) + ']'.repeat(10_000),
  '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  `{"name":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  `{"events":[${'['.repeat(9_990)}${']'.repeat(9_990)}]}`,
);

/** The body with its first array property (or a new `junk` one) holding 10,000 or 10,001 elements. */
export function widened(body: unknown, schemaIn: Schema | undefined, count: number): unknown {
  const schema = resolve(schemaIn);
  const base = body && typeof body === 'object' && !Array.isArray(body) ? { ...body } : {};
  const key = Object.entries(schema?.properties ?? {}).find(([, v]) => resolve(v)?.type === 'array')?.[0] ?? 'junk';
  return { ...base, [key]: Array.from({ length: count }, (_, i) => (i % 2 ? `v${i}` : { i })) };
}

/** JSON text with Latin-1 (not UTF-8) bytes inside a string, or bytes that are no text at all. */
export function notUtf8(body: unknown): Buffer {
  const text = JSON.stringify(body ?? { name: 'x' });
  const at = Math.max(1, text.indexOf('"') + 1);
  return Buffer.concat([
    Buffer.from(text.slice(0, at)),
    Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0xff, 0xc3, 0x28]),
    Buffer.from(text.slice(at)),
  ]);
}

/** Query and path values already percent-encoded: NUL, encoded lone surrogates, overlong and broken UTF-8. */
export const ENCODED_HOSTILE = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  'x%ED%B0%80',
  '%C0%80',
  '%FF',
  '%C3%28',
  '%',
  '%E0%A4%A',
  "'%20OR%201%3D1",
  '-1',
  '999999',
  '',
  'abc',
];

/** Cursors the API did not issue: forged, out of range, and an issued one altered. */
export function tamperedCursors(issued: string): string[] {
  const [payload, mac = ''] = issued.split('.'); // an unsigned cursor (older code) has no mac
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const id = '6f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f';
  return [
    b64(['+275760-09-13T00:00:00.000Z', id]),
    `${b64(['+275760-09-13T00:00:00.000Z', id])}.${mac}`,
    b64(['2000-01-01T00:00:00.000Z', id]),
    `${b64(['2000-01-01T00:00:00.000Z', id])}.${mac}`,
    `${b64([1e308, id])}.${mac}`,
    `${payload}.${mac.split('').reverse().join('')}`,
    `${payload}.${mac}.${mac}`,
    'eyJ4IjoxfQ',
  ];
}
