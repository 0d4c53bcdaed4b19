import fc from 'fast-check';
import { request as httpRequest } from 'http';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';
import { MATRIX } from './authz-matrix';
import type { Ids, Parameter } from './fuzz-inputs';
import {
  complete,
  deepBody,
  ENCODED_HOSTILE,
  notUtf8,
  omit,
  requiredPaths,
  resolve,
  shaped,
  spec,
  tamperedCursors,
  widened,
} from './fuzz-inputs';

/**
 * Property-based fuzzing from openapi.json. For every route, as an admin (who reaches the most
 * code) and as a student, requests from every class of bad input: bodies shaped like the request
 * schema but filled with hostile values (wrong types, unknown fields, huge, unicode, NUL and
 * lone-surrogate strings, SQL and template injection) or with a required field left out (nested
 * ones too); bodies nested 10,000 levels deep, with 10,000-element arrays, or not UTF-8; query
 * strings with NULs, broken percent-encoding, repeated parameters and forged or tampered
 * cursors; path parameters likewise. Never a 5xx, always problem+json for errors, never a stack
 * trace or SQL in a body. Requests go over a real socket, byte for byte. Seeded, so a failure
 * reproduces: FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm test -- test/hardening/fuzz
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

type Body = { kind: 'none' } | { kind: 'json'; value: unknown; cls: string } | { kind: 'raw'; bytes: Buffer | string; cls: string };
type Reply = { status: number; type: string; text: string };

const LEAK =
  /(\bat [\w.<>]+ \(|node_modules|\/src\/|QueryFailedError|SELECT\s|INSERT\s|UPDATE\s|syntax error at|duplicate key value|violates|TypeError|ReferenceError|RangeError)/;

describe(`fuzzing every route from openapi.json (seed ${SEED}, ${RUNS} runs per route)`, () => {
  let t: TestApp;
  let port: number;
  let issuedCursor: string;
  const tokens: Record<string, string> = {};
  const ids: Ids = {};
  const counts: Record<string, number> = {};
  const classes: Record<string, number> = {};

  /** One request over a real socket: the path and query exactly as given, the body byte for byte. */
  const send = (method: string, path: string, token: string | null, body: Body): Promise<Reply> =>
    new Promise((resolvePromise, reject) => {
      const payload =
        body.kind === 'none' ? null : body.kind === 'json' ? Buffer.from(JSON.stringify(body.value) ?? 'null') : Buffer.from(body.bytes);
      const headers: Record<string, string> = {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
      };
      const req = httpRequest({ host: '127.0.0.1', port, method: method.toUpperCase(), path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end(payload ?? undefined);
    });

  const check = (reply: Reply, what: string) => {
    if (reply.status >= 500) throw new Error(`${reply.status} for ${what}: ${reply.text.slice(0, 300)}`);
    if (reply.status >= 400 && !/application\/problem\+json|text\/html/.test(reply.type))
      throw new Error(`${reply.status} without problem+json for ${what}: ${reply.type}`);
    if (reply.status >= 400 && LEAK.test(reply.text.slice(0, 20_000)))
      throw new Error(`internals leaked for ${what}: ${reply.text.slice(0, 300)}`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    tokens.admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const student = await createUser(t, tokens.admin, { email: 'fuzz-student@test.local', role: 'student' });
    tokens.student = student.accessToken;
    const post = async (path: string, body: object) => (await t.http().post(path).set(bearer(tokens.admin)).send(body)).body;
    ids.materials = (
      await post('/api/v1/materials', { title: 'Fuzz video', kind: 'video', url: 'https://example.edu/v', durationSeconds: 100 })
    ).id;
    ids.courses = (await post('/api/v1/courses', { title: 'Fuzz course' })).id;
    ids.modules = (await post(`/api/v1/courses/${ids.courses}/modules`, { title: 'Fuzz module' })).id;
    ids.items = (
      await post(`/api/v1/modules/${ids.modules}/items`, { materialId: ids.materials, completion: { type: 'watch', minPercent: 50 } })
    ).id;
    await post(`/api/v1/courses/${ids.courses}/publish`, {});
    ids.cohorts = (await post(`/api/v1/courses/${ids.courses}/cohorts`, { name: 'Fuzz' })).id;
    ids.enrolments = (await post(`/api/v1/courses/${ids.courses}/enrolments`, { userId: student.id })).id;
    ids.assignments = (
      await post(`/api/v1/courses/${ids.courses}/assignments`, {
        moduleId: ids.modules,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        target: { type: 'course' },
      })
    ).id;
    ids.users = (
      await t.db.query("INSERT INTO users (email, name, role) VALUES ('fuzz-victim@test.local', 'V', 'student') RETURNING id")
    ).rows[0].id;
    ids.admin = (await t.db.query('SELECT id FROM reminders LIMIT 1')).rows[0].id;
    issuedCursor = (await t.http().get('/api/v1/users?limit=1').set(bearer(tokens.admin))).body.nextCursor;
  });
  afterAll(async () => {
    // `npm run test:hardening` (FUZZ_RUNS set) records how many cases ran per route and per class.
    const dir = join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (process.env.FUZZ_RUNS)
      writeFileSync(
        join(dir, 'fuzz.json'),
        `${JSON.stringify({ seed: SEED, runsPerRouteAndCaller: RUNS, total, requestsPerClass: classes, requestsPerRoute: counts }, null, 2)}\n`,
      );
    await t.close();
  });

  const routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op, key: `${method.toUpperCase()} ${path}` })),
  );
  const tokenFor = (key: string, caller: string) => (!MATRIX[key]?.public || key.includes('/me') ? tokens[caller] : null);
  const pathId = (route: { path: string }, name: string) => {
    const scope = route.path.split('/')[3];
    return name === 'courseId'
      ? ids.courses
      : name === 'enrolmentId'
        ? ids.enrolments
        : name === 'userId'
          ? ids.users
          : (ids[scope] ?? ids.courses);
  };
  const fill = (route: { path: string; op: { parameters?: Parameter[] } }, values: string[]) => {
    let path = route.path;
    (route.op.parameters ?? [])
      .filter((p) => p.in === 'path')
      .forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i] ?? pathId(route, p.name))));
    return path;
  };

  it.each(routes.map((r) => [r.key, r] as const))('%s survives hostile input', async (key, route) => {
    const params = route.op.parameters ?? [];
    const bodySchema = route.op.requestBody?.content?.['application/json']?.schema;
    const required = requiredPaths(bodySchema);
    const encoded = (s: string) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return '%ED%A0%80'; // a lone surrogate has no UTF-8 encoding; send the bytes one would have
      }
    };
    const pathValue = (name: string) =>
      fc.oneof(
        { arbitrary: fc.constant(pathId(route, name)), weight: 4 },
        {
          arbitrary: fc.constantFrom(...ENCODED_HOSTILE, 'not-a-uuid', '00000000-0000-0000-0000-000000000000', '9'.repeat(60), '..%2Fx'),
          weight: 1,
        },
      );
    const queryName = fc.constantFrom(...params.filter((p) => p.in === 'query').map((p) => p.name), 'cursor', 'limit', 'unknown');
    const queryValue = fc.oneof(
      fc.string({ maxLength: 20 }).map(encoded),
      fc.constantFrom(...ENCODED_HOSTILE),
      fc.constantFrom(issuedCursor, ...tamperedCursors(issuedCursor)).map(encoded),
    );
    const body: fc.Arbitrary<Body> = fc.oneof(
      {
        arbitrary: bodySchema
          ? shaped(bodySchema, ids).map((value) => ({ kind: 'json' as const, value, cls: 'shaped' }))
          : fc.constant({ kind: 'none' as const }),
        weight: 6,
      },
      {
        arbitrary: required.length
          ? fc
              .constantFrom(...required)
              .map((p) => ({ kind: 'json' as const, value: omit(complete(bodySchema, ids), p), cls: 'omitted-field' }))
          : fc.constant({ kind: 'none' as const }),
        weight: 2,
      },
      { arbitrary: deepBody.map((bytes) => ({ kind: 'raw' as const, bytes, cls: 'deep-nesting' })), weight: 1 },
      {
        arbitrary: fc
          .constantFrom(10_000, 10_001)
          .map((n) => ({ kind: 'json' as const, value: widened(complete(bodySchema, ids), bodySchema, n), cls: 'wide-array' })),
        weight: 1,
      },
      {
        arbitrary: fc.constant(null).map(() => ({ kind: 'raw' as const, bytes: notUtf8(complete(bodySchema, ids)), cls: 'not-utf8' })),
        weight: 1,
      },
    );
    const request = fc.record({
      caller: fc.constantFrom('admin', 'student'),
      path: fc
        .tuple(...params.filter((p) => p.in === 'path').map((p) => pathValue(p.name)), fc.constant(''))
        .map((values) => fill(route, values)),
      query: fc.array(fc.tuple(queryName, queryValue), { maxLength: 4 }),
      repeat: fc.boolean(),
      body,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ caller, path, query, repeat, body }) => {
        counts[key] = (counts[key] ?? 0) + 1;
        const pairs = repeat && query.length ? [...query, query[0]] : query;
        const url = pairs.length ? `${path}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : path;
        for (const cls of [body.kind === 'none' ? 'no-body' : body.cls, ...(repeat && query.length ? ['repeated-query'] : [])])
          classes[cls] = (classes[cls] ?? 0) + 1;
        check(
          await send(route.method, url, tokenFor(key, caller), body),
          `${key} ${url.slice(0, 200)} ${body.kind === 'json' ? JSON.stringify(body.value)?.slice(0, 300) : body.kind}`,
        );
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });

  const withBodies = routes.filter((r) => requiredPaths(r.op.requestBody?.content?.['application/json']?.schema).length);

  it.each(withBodies.map((r) => [r.key, r] as const))('%s names every omitted required field (nested too) with 400', async (key, route) => {
    const schema = route.op.requestBody!.content!['application/json'].schema;
    const body = complete(schema, ids);
    for (const path of requiredPaths(schema)) {
      const reply = await send(route.method, fill(route, []), tokenFor(key, 'admin'), {
        kind: 'json',
        value: omit(body, path),
        cls: 'omitted-field',
      });
      check(reply, `${key} without ${path.join('.')}`);
      const answer = JSON.parse(reply.text) as { errors?: Array<{ field: string }>; rejected?: unknown[]; failed?: unknown[] };
      // Per-row routes (progress events) may answer 200 and reject the row alone instead.
      const rowRejected = reply.status === 200 && path[1] === '0' && (answer.rejected?.length || answer.failed?.length);
      if (!rowRejected) {
        expect({ path: path.join('.'), status: reply.status }).toEqual({ path: path.join('.'), status: 400 });
        expect(answer.errors?.map((e) => e.field)).toContain(path.join('.'));
      }
    }
  });

  it('resolves every request body schema in the spec to an object the generators can walk', () => {
    for (const route of routes) {
      const schema = route.op.requestBody?.content?.['application/json']?.schema;
      if (schema) expect(resolve(schema)).toEqual(expect.objectContaining({ type: 'object' }));
    }
  });
});
