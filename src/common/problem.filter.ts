import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { redactUrl } from './access-log';
import { DomainError, FieldError, MethodNotAllowed } from './errors';
import { allowedMethods } from './route-methods';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  /** Present when `errors` was cut to its first MAX_PROBLEM_ERRORS entries: how many there were. */
  errorsTotal?: number;
}

/** An error list is for reading, not a way to make the API write megabytes (a 10,000-row body can fail 20,000 ways). */
export const MAX_PROBLEM_ERRORS = 1_000;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const CODES: Record<number, string> = {
  400: 'invalid-input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  500: 'internal',
  503: 'unavailable',
};

interface Rendered {
  status: number;
  /** A more specific title than the status's own. */
  title?: string;
  code: string;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** Postgres errors that mean the client sent something impossible, not that we broke. */
function fromPostgres(error: QueryFailedError): Rendered | null {
  const code = (error as unknown as { code?: string }).code;
  switch (code) {
    case '23505':
      return { status: 409, code: 'conflict', detail: 'A resource with the same unique value already exists' };
    case '23503':
      return { status: 409, code: 'conflict', detail: 'The resource is referenced by or refers to a missing resource' };
    case '40P01':
    case '40001':
      return {
        status: 503,
        code: 'unavailable',
        detail: 'The request collided with a concurrent one; nothing was changed. Retry it.',
        headers: { 'Retry-After': '1' },
      };
    case '55P03': // lock_timeout: a concurrent write held the rows longer than this one may wait
      return {
        status: 503,
        code: 'unavailable',
        detail: 'The request waited too long for a concurrent one; nothing was changed. Retry it.',
        headers: { 'Retry-After': '1' },
      };
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
    case '22021': // a NUL or an invalid byte in text (refused earlier; this is the backstop)
    case '22P05':
      return { status: 400, code: 'invalid-input', detail: 'A value has the wrong format or is out of range' };
    default:
      return null;
  }
}

const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/** The database (or Redis) is away: the request was refused cleanly and may be retried. */
function fromUnavailable(error: unknown): Rendered | null {
  const e = error as { code?: string; message?: string; driverError?: { code?: string; message?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const message = `${e?.message ?? ''} ${e?.driverError?.message ?? ''}`;
  if (
    (code && UNAVAILABLE_CODES.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Connection is closed|ECONNREFUSED|database .* is not currently accepting connections/i.test(
      message,
    )
  ) {
    return {
      status: 503,
      code: 'unavailable',
      detail: 'A backing service is unavailable; nothing was changed. Retry shortly.',
      headers: { 'Retry-After': '5' },
    };
  }
  return null;
}

/** Fastify's own errors (body parsing, size limit, content type) carry a statusCode. */
function fromFastify(error: unknown): Rendered | null {
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode !== 'number' || typeof e.code !== 'string' || !e.code.startsWith('FST_')) return null;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, code: 'too-large', detail: 'The request body exceeds the size limit' };
  }
  if (e.code === 'FST_ERR_BAD_URL') {
    return { status: 400, code: 'invalid-input', detail: 'The URL is not valid: a path segment is not well-formed percent-encoded UTF-8' };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, code: 'unsupported-media-type', detail: 'The request content type is not supported' };
  }
  if (e.statusCode >= 400 && e.statusCode < 500) {
    const detail =
      e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The request body is not valid JSON'
        : (e.message ?? 'The request could not be processed');
    return { status: e.statusCode, code: CODES[e.statusCode] ?? 'invalid-input', detail };
  }
  return null;
}

export function renderError(error: unknown): Rendered {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      title: error.title,
      code: error.code,
      detail: error.message,
      errors: error.errors,
      headers: error.headers,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse() as string | { message?: string | string[]; errors?: FieldError[] };
    const message = typeof body === 'string' ? body : body.message;
    const text = Array.isArray(message) ? message.join('; ') : (message ?? error.message);
    // Nest's unknown-route message echoes the URL: never its query (it may hold a token).
    const detail = status === 404 ? text.replace(/^(Cannot [A-Z]+ [^?\s]*)\?\S*$/, '$1') : text;
    const errors = typeof body === 'object' ? body.errors : undefined;
    return { status, code: CODES[status] ?? 'error', detail, errors };
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return { status: 400, code: 'invalid-input', detail: 'The request body is not valid JSON' };
  }
  const pg = error instanceof QueryFailedError ? fromPostgres(error as QueryFailedError) : null;
  if (pg) return pg;
  const unavailable = fromUnavailable(error);
  if (unavailable) return unavailable;
  const fastify = fromFastify(error);
  if (fastify) return fastify;
  return { status: 500, code: 'internal', detail: 'An unexpected error occurred; it has been logged' };
}

export function toProblem(rendered: Rendered, instance: string, requestId: string): Problem {
  return {
    type: `https://accord.dev/problems/${rendered.code}`,
    title: rendered.title ?? TITLES[rendered.status] ?? 'Error',
    status: rendered.status,
    detail: rendered.detail,
    instance,
    requestId,
    ...(rendered.errors?.length ? { errors: rendered.errors.slice(0, MAX_PROBLEM_ERRORS) } : {}),
    ...(rendered.errors && rendered.errors.length > MAX_PROBLEM_ERRORS ? { errorsTotal: rendered.errors.length } : {}),
  };
}

const logger = new Logger('Problem');

/** No route for this method and path: a 405 when the path exists with other methods, else the 404 as it is. */
function methodNotAllowed(error: unknown, request: FastifyRequest): MethodNotAllowed | null {
  if (!(error instanceof NotFoundException)) return null;
  const allowed = allowedMethods(request);
  if (!allowed.length || allowed.includes(request.method)) return null;
  return new MethodNotAllowed(request.method, request.url.split('?')[0], allowed);
}

export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const rendered = renderError(methodNotAllowed(error, request) ?? error);
  if (rendered.status >= 500) {
    logger.error({ err: error, requestId: request.id, url: redactUrl(request.url) }, 'unhandled error');
  }
  const problem = toProblem(rendered, request.url.split('?')[0], String(request.id));
  for (const [name, value] of Object.entries(rendered.headers ?? {})) reply.header(name, value);
  void reply.status(rendered.status).type('application/problem+json').send(problem);
}

/** The single place where every error becomes RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
