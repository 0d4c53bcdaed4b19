import type { Type } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { isHealthRoute } from './access-log';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators';
import { UuidPipe } from './pipes';
import { MAX_PROBLEM_ERRORS } from './problem.filter';

/** What a route declares through its decorators, read back for the document. */
interface RouteFacts {
  isPublic: boolean;
  roles: string[];
  /** Guards of its own (LocalAuthGuard, MetricsTokenGuard): a public route that still checks credentials. */
  guards: string[];
  uuidParams: Set<string>;
}

/** The tags, in the order the document lists them. */
export const TAGS: Record<string, string> = {
  auth: 'Sign-in sessions: login, refresh, logout, set-password and password-reset links',
  me: 'The signed-in user: profile and password',
  users: 'User accounts (admins)',
  materials: 'The catalogue of teaching materials (videos, documents, links)',
  courses: 'Courses, their instructors, modules and items',
  enrolments: 'Cohorts and enrolments, one by one or in bulk (JSON or CSV)',
  assignments: 'Modules assigned with a due date, per cohort or per student, with per-student overrides',
  progress: 'Progress events from players and readers, and progress reports',
  reminders: 'Reminder emails (assignment, due soon, overdue, inactivity) and their delivery state',
  notifications: 'Email preferences and unsubscribe links',
  calendar: 'Calendar feeds of due dates (iCalendar)',
  audit: 'The audit log of changes (admins)',
  admin: 'Operator tools (admins)',
  health: 'Liveness, readiness and metrics for operators',
};

/** Guards that check credentials on routes otherwise marked public: their failures are 401s. */
const CREDENTIAL_GUARDS = new Set(['LocalAuthGuard', 'MetricsTokenGuard']);

const PROBLEM = 'application/problem+json';
const problemRef = { $ref: '#/components/schemas/Problem' };
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': header('RateLimit-Limit'),
  'RateLimit-Remaining': header('RateLimit-Remaining'),
  'RateLimit-Reset': header('RateLimit-Reset'),
};

const seconds = (description: string) => ({ description, schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 10_000_000 } });
const COMPONENT_HEADERS = {
  'RateLimit-Limit': seconds('Requests allowed per one-minute window: per user with a valid access token, else per client IP'),
  'RateLimit-Remaining': seconds('Requests left in the current window'),
  'RateLimit-Reset': seconds('Seconds until the current window ends'),
  'Retry-After': seconds('Seconds to wait before retrying'),
  'Access-Control-Allow-Origin': {
    description: "Sent only when CORS_ORIGINS is set and allows the request's Origin (the origin itself, or * when CORS_ORIGINS is *)",
    schema: { type: 'string', maxLength: 2048 },
  },
};
const CORS = { 'Access-Control-Allow-Origin': header('Access-Control-Allow-Origin') };

const text = (maxLength: number, extra: Record<string, unknown> = {}) => ({ type: 'string', maxLength, ...extra });
const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'An RFC 9457 problem. Every error answer has this shape; requestId matches the x-request-id header and the server log.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
  properties: {
    type: text(200, { format: 'uri', example: 'https://accord.dev/problems/invalid-input' }),
    title: text(100, { example: 'Bad Request' }),
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 },
    detail: text(16_384, { example: 'Invalid input: email must be an email' }),
    instance: text(16_384, { description: 'The request path', example: '/api/v1/users' }),
    requestId: text(128, { example: '6f1c2a9e-1d4b-4c8e-9a57-2f0d7b1e3c11' }),
    errors: {
      type: 'array',
      maxItems: MAX_PROBLEM_ERRORS,
      description: 'One entry per field that failed (validation errors and some conflicts)',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: text(200, {
            description: 'The field, query or path parameter (dotted for nested fields: rows.3.email)',
            example: 'email',
          }),
          message: text(1_000, { description: 'The first rule the field failed, in plain words', example: 'email must be an email' }),
        },
      },
    },
    errorsTotal: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 1_000_000,
      description: `Present when errors was cut to its first ${MAX_PROBLEM_ERRORS}`,
    },
  },
};

const problem = (status: number, code: string, detail: string, errors?: Array<{ field: string; message: string }>) => ({
  type: `https://accord.dev/problems/${code}`,
  title: { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' }[status] ?? 'Error',
  status,
  detail,
  instance: '/api/v1/…',
  requestId: '6f1c2a9e-1d4b-4c8e-9a57-2f0d7b1e3c11',
  ...(errors ? { errors } : {}),
});

const EXAMPLES: Record<number, unknown> = {
  400: problem(400, 'invalid-input', 'Invalid input: email must be an email; name is required', [
    { field: 'email', message: 'email must be an email' },
    { field: 'name', message: 'name is required' },
  ]),
  401: problem(401, 'unauthenticated', 'A valid access token is required'),
  403: problem(403, 'forbidden', 'This requires the role admin or instructor'),
  404: problem(404, 'not-found', 'Course was not found'),
  429: problem(429, 'too-many-requests', 'Too many requests; slow down and retry after the given time'),
};

/** Reads the facts of every controller method, keyed by the operationId buildOpenApi gives it (`Courses_get`). */
export function routeFacts(controllers: Type[]): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const controller of controllers) {
    const prefix = controller.name.replace(/Controller$/, '');
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[method];
      if (method === 'constructor' || typeof handler !== 'function') continue;
      const read = <T>(key: string): T | undefined =>
        (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { data?: unknown; pipes?: unknown[] }
      >;
      const uuidParams = new Set<string>();
      for (const [key, arg] of Object.entries(args)) {
        if (key.split(':')[0] === String(RouteParamtypes.PARAM) && arg.pipes?.some((pipe) => pipe instanceof UuidPipe))
          uuidParams.add(String(arg.data));
      }
      const guards = [
        ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as Array<Type | object>),
        ...((Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as Array<Type | object>),
      ];
      facts.set(`${prefix}_${method}`, {
        isPublic: read<boolean>(IS_PUBLIC) === true,
        roles: read<string[]>(ROLES_KEY) ?? [],
        guards: guards.map((guard) => (typeof guard === 'function' ? guard.name : guard.constructor.name)),
        uuidParams,
      });
    }
  }
  return facts;
}

function who(facts: RouteFacts): string {
  if (facts.isPublic && facts.guards.includes('MetricsTokenGuard')) return 'Operators, with `Authorization: Bearer <METRICS_TOKEN>`.';
  if (facts.isPublic) return 'Anyone: no access token needed.';
  if (facts.roles.length) return `Signed-in users with the role ${facts.roles.join(' or ')} (others get 403).`;
  return 'Any signed-in user (admin, instructor or student).';
}

/** The standard answers, declared once under components.responses and referred to by name. */
const STANDARD: Record<number, { name: string; description: string; retry?: boolean }> = {
  400: {
    name: 'InvalidInput',
    description:
      'Invalid input: a field, query or path parameter fails validation (`errors[]` has one entry per field, with its first failed rule), an unknown field, a repeated query parameter or a body that is not well-formed',
  },
  401: { name: 'Unauthenticated', description: 'No valid access token: missing, expired, revoked, or its user was deactivated' },
  429: {
    name: 'TooManyRequests',
    description: 'Over the limit of requests per minute (per user, or per client IP without a valid token); see Retry-After',
    retry: true,
  },
  500: { name: 'InternalError', description: 'An unexpected error; it is logged with the requestId' },
  503: { name: 'Unavailable', description: 'PostgreSQL or Redis is unavailable; nothing was changed; see Retry-After', retry: true },
};

function problemResponse(status: number, description: string, rateLimited: boolean, retry: boolean): ResponseObject {
  return {
    description,
    headers: {
      ...(retry ? { 'Retry-After': header('Retry-After') } : {}),
      ...(rateLimited && status < 500 ? RATE_LIMIT_HEADERS : {}),
      ...CORS,
    },
    content: { [PROBLEM]: { schema: problemRef, ...(EXAMPLES[status] ? { example: EXAMPLES[status] } : {}) } },
  };
}

/** The components.responses entries: each standard answer, with and without the rate limiter's headers. */
function standardResponses(): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};
  for (const [status, { name, description, retry }] of Object.entries(STANDARD)) {
    responses[name] = problemResponse(Number(status), description, true, retry ?? false);
    if (Number(status) !== 429) responses[`${name}Unlimited`] = problemResponse(Number(status), description, false, retry ?? false);
  }
  return responses;
}

/**
 * Declares an answer: a standard one by reference unless the operation already describes that
 * status in its own words, in which case that one gets the problem+json body and headers.
 */
function respond(operation: OperationObject, status: number, description: string, limited: boolean): void {
  const responses = operation.responses as Record<string, ResponseObject | { $ref: string }>;
  const declared = responses[status] as ResponseObject | undefined;
  const standard = STANDARD[status];
  if (!declared && standard) {
    responses[status] = { $ref: `#/components/responses/${standard.name}${limited || status === 429 ? '' : 'Unlimited'}` };
    return;
  }
  // The limiter's 429 and the problem filter's 503 carry Retry-After; the readiness probe's own 503 does not.
  const fresh = problemResponse(status, declared?.description ?? description, limited, status === 429 || (status === 503 && limited));
  responses[status] = {
    ...fresh,
    ...declared,
    headers: { ...fresh.headers, ...declared?.headers },
    content: declared?.content ?? fresh.content,
  };
}

/**
 * Completes the generated document from the routes' own metadata, in one place rather than on
 * every handler: who may call each operation, uuid path ids, and the answers every route can give
 * (400 for any input, 401/403 from the guards, 404 for a path id, 429 and RateLimit-* headers from
 * the global limiter, 500 and 503 from the problem filter), all as problem+json.
 */
export function completeOpenApi(document: OpenAPIObject, controllers: Type[]): OpenAPIObject {
  const facts = routeFacts(controllers);
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
  document.components.headers = { ...document.components.headers, ...COMPONENT_HEADERS };
  document.components.responses = { ...document.components.responses, ...standardResponses() };
  const used = new Set<string>();

  for (const [path, item] of Object.entries(document.paths)) {
    // Fastify's form of the route (`/api/v1/health/:id`), the form the rate limiter's skip judges.
    const route = path.replace(/\{([^}]+)\}/g, ':$1');
    const limited = !isHealthRoute(route);
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const fact = facts.get(operation.operationId ?? '');
      if (!fact) throw new Error(`OpenAPI: no controller method for operation ${operation.operationId} (${method} ${path})`);
      operation.tags?.forEach((tag) => used.add(tag));
      operation.description = [operation.description, `**Who may call:** ${who(fact)}`].filter(Boolean).join('\n\n');

      const uuidDescribed = new Set<string>();
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        if (parameter.in === 'path' && fact.uuidParams.has(parameter.name)) {
          parameter.schema = { type: 'string', format: 'uuid', maxLength: 36 };
          uuidDescribed.add(parameter.name);
        }
      }

      // The operation's own error answers first (they keep their words), then the standard ones it lacks.
      for (const [status, response] of Object.entries(operation.responses as Record<string, ResponseObject>)) {
        if (Number(status) >= 400) respond(operation, Number(status), response.description, limited);
        else response.headers = { ...(limited ? RATE_LIMIT_HEADERS : {}), ...response.headers, ...CORS };
      }
      respond(operation, 400, '', limited);
      if (!fact.isPublic || fact.guards.some((guard) => CREDENTIAL_GUARDS.has(guard))) respond(operation, 401, '', limited);
      if (fact.roles.length) respond(operation, 403, `Your role does not allow this (requires ${fact.roles.join(' or ')})`, limited);
      if (uuidDescribed.size)
        respond(
          operation,
          404,
          `No such ${[...uuidDescribed].join(' / ')}, or not one you may see (the answer does not tell which)`,
          limited,
        );
      if (limited) respond(operation, 429, '', limited);
      respond(operation, 500, '', limited);
      if (limited) respond(operation, 503, '', limited);
    }
  }
  const refs = JSON.stringify(document.paths);
  for (const name of Object.keys(document.components.responses ?? {}))
    if (!refs.includes(`"#/components/responses/${name}"`)) delete document.components.responses?.[name];
  document.tags = Object.entries(TAGS)
    .filter(([name]) => used.has(name))
    .map(([name, description]) => ({ name, description }));
  const unknown = [...used].filter((tag) => !TAGS[tag]);
  if (unknown.length) throw new Error(`OpenAPI: describe the tags ${unknown.join(', ')} in TAGS`);
  return document;
}
