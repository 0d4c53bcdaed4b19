import { BadRequestException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { Conflict, DomainError, InvalidInput, NotFound, TooManyRequests, Unavailable } from './errors';
import { MAX_PROBLEM_ERRORS, renderError, sendProblem, toProblem } from './problem.filter';

const pgError = (code: string, message = 'driver message with SQL: SELECT secret FROM users') =>
  new QueryFailedError('SELECT secret FROM users WHERE id = $1', ['x'], Object.assign(new Error(message), { code }));

const fastifyError = (code: string, statusCode: number, message = 'fastify says so') =>
  Object.assign(new Error(message), { code, statusCode });

describe('renderError', () => {
  it('renders a domain error with its status, code, message, field errors and headers', () => {
    expect(renderError(new NotFound('Course'))).toEqual({
      status: 404,
      code: 'not-found',
      detail: 'Course was not found',
      errors: undefined,
      headers: undefined,
    });
    expect(renderError(new Conflict('Prerequisites would form a cycle', 'prerequisite-cycle'))).toMatchObject({
      status: 409,
      code: 'prerequisite-cycle',
    });
    const fields = [{ field: 'email', message: 'must be an email' }];
    expect(renderError(new InvalidInput('Invalid body', fields))).toMatchObject({ status: 400, code: 'invalid-input', errors: fields });
    expect(renderError(new DomainError(418, 'teapot', 'short and stout'))).toMatchObject({
      status: 418,
      code: 'teapot',
      detail: 'short and stout',
    });
  });

  it('rounds Retry-After up to whole seconds, at least one', () => {
    expect(renderError(new TooManyRequests('slow down', 2.1)).headers).toEqual({ 'Retry-After': '3' });
    expect(renderError(new Unavailable('later', 0)).headers).toEqual({ 'Retry-After': '1' });
  });

  it('renders Nest HTTP exceptions, joining validation messages', () => {
    expect(renderError(new BadRequestException(['name must be a string', 'email is required']))).toMatchObject({
      status: 400,
      code: 'invalid-input',
      detail: 'name must be a string; email is required',
    });
    expect(renderError(new HttpException('plain text', 403))).toMatchObject({ status: 403, code: 'forbidden', detail: 'plain text' });
    const errors = [{ field: 'rows', message: 'too many' }];
    expect(renderError(new HttpException({ message: 'Too large', errors }, 413))).toMatchObject({ status: 413, code: 'too-large', errors });
    expect(renderError(new HttpException('odd', 418))).toMatchObject({ status: 418, code: 'error' });
  });

  it('never echoes the query string of an unknown route (it may hold a token)', () => {
    expect(renderError(new NotFoundException('Cannot GET /api/v1/nowhere?token=secret-value')).detail).toBe('Cannot GET /api/v1/nowhere');
  });

  it('renders a JSON syntax error from the body parser as 400', () => {
    const error = Object.assign(new SyntaxError('Unexpected token } in JSON'), { statusCode: 400 });
    expect(renderError(error)).toEqual({ status: 400, code: 'invalid-input', detail: 'The request body is not valid JSON' });
  });

  it.each([
    ['23505', 409, 'conflict'],
    ['23503', 409, 'conflict'],
    ['22P02', 400, 'invalid-input'],
    ['22001', 400, 'invalid-input'],
    ['22021', 400, 'invalid-input'],
  ])('renders PostgreSQL error %s as %i without the SQL', (code, status, problemCode) => {
    const rendered = renderError(pgError(code));
    expect(rendered).toMatchObject({ status, code: problemCode });
    expect(rendered.detail).not.toMatch(/SELECT|secret/);
  });

  it.each(['40P01', '40001', '55P03'])('renders PostgreSQL error %s (deadlock, serialisation, lock timeout) as a retryable 503', (code) => {
    expect(renderError(pgError(code))).toMatchObject({ status: 503, code: 'unavailable', headers: { 'Retry-After': '1' } });
  });

  it('renders an unreachable database or Redis as 503 with Retry-After', () => {
    const unavailable = { status: 503, code: 'unavailable', headers: { 'Retry-After': '5' } };
    expect(renderError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toMatchObject(
      unavailable,
    );
    expect(renderError(pgError('57P01', 'terminating connection due to administrator command'))).toMatchObject(unavailable);
    expect(renderError(new Error('Connection terminated unexpectedly'))).toMatchObject(unavailable);
    expect(renderError(new Error('database "accord" is not currently accepting connections'))).toMatchObject(unavailable);
    expect(renderError({ message: 'query failed', driverError: { code: '08006', message: 'connection failure' } })).toMatchObject(
      unavailable,
    );
  });

  it("renders Fastify's own errors by their code", () => {
    expect(renderError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toMatchObject({
      status: 413,
      code: 'too-large',
      detail: 'The request body exceeds the size limit',
    });
    expect(renderError(fastifyError('FST_ERR_BAD_URL', 400))).toMatchObject({ status: 400, code: 'invalid-input' });
    expect(renderError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))).toMatchObject({ status: 415, code: 'unsupported-media-type' });
    expect(renderError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400))).toMatchObject({
      status: 400,
      detail: 'The request body is not valid JSON',
    });
    expect(renderError(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400))).toMatchObject({
      status: 400,
      detail: 'The request body is not valid JSON',
    });
    expect(
      renderError(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match Content-Length')),
    ).toMatchObject({
      status: 400,
      code: 'invalid-input',
      detail: 'Request body size did not match Content-Length',
    });
  });

  it('renders anything else as a 500 that says nothing about it', () => {
    const internal = { status: 500, code: 'internal', detail: 'An unexpected error occurred; it has been logged' };
    expect(renderError(new Error('secret internals at /srv/accord/src/x.ts:12'))).toEqual(internal);
    expect(renderError(pgError('42P01', 'relation "users" does not exist'))).toEqual(internal);
    expect(renderError(fastifyError('FST_ERR_SOMETHING', 500))).toEqual(internal);
    expect(renderError(Object.assign(new Error('not from Fastify'), { code: 'E_OTHER', statusCode: 400 }))).toEqual(internal);
    expect(renderError('a string')).toEqual(internal);
    expect(renderError(undefined)).toEqual(internal);
  });
});

describe('toProblem', () => {
  it('builds the RFC 9457 body with the request id and instance', () => {
    expect(toProblem({ status: 404, code: 'not-found', detail: 'Course was not found' }, '/api/v1/courses/1', 'req-1')).toEqual({
      type: 'https://accord.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Course was not found',
      instance: '/api/v1/courses/1',
      requestId: 'req-1',
    });
  });

  it('titles an unlisted status "Error" and leaves out an empty error list', () => {
    const problem = toProblem({ status: 418, code: 'teapot', detail: 'x', errors: [] }, '/', 'r');
    expect(problem.title).toBe('Error');
    expect(problem).not.toHaveProperty('errors');
    expect(problem).not.toHaveProperty('errorsTotal');
  });

  it(`cuts the error list at ${MAX_PROBLEM_ERRORS} entries and says how many there were`, () => {
    const errors = (n: number) => Array.from({ length: n }, (_, i) => ({ field: `rows[${i}].email`, message: 'invalid email' }));
    const exact = toProblem({ status: 400, code: 'invalid-input', detail: 'x', errors: errors(MAX_PROBLEM_ERRORS) }, '/', 'r');
    expect(exact.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(exact).not.toHaveProperty('errorsTotal');
    const over = toProblem({ status: 400, code: 'invalid-input', detail: 'x', errors: errors(20_000) }, '/', 'r');
    expect(over.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(over.errors![MAX_PROBLEM_ERRORS - 1].field).toBe(`rows[${MAX_PROBLEM_ERRORS - 1}].email`);
    expect(over.errorsTotal).toBe(20_000);
  });
});

describe('sendProblem', () => {
  const reply = () => {
    const sent: { status?: number; type?: string; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const fake = {
      header: (name: string, value: string) => ((sent.headers[name] = value), fake),
      status: (status: number) => ((sent.status = status), fake),
      type: (type: string) => ((sent.type = type), fake),
      send: (body: unknown) => ((sent.body = body), fake),
    };
    return { sent, reply: fake as unknown as FastifyReply };
  };
  const request = { id: 'req-42', url: '/api/v1/unsubscribe?token=secret' } as unknown as FastifyRequest;

  it('sends problem+json with the status, headers and the path without its query', () => {
    const { sent, reply: fake } = reply();
    sendProblem(new TooManyRequests('Too many sign-in attempts', 30), request, fake);
    expect(sent.status).toBe(429);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.headers).toEqual({ 'Retry-After': '30' });
    expect(sent.body).toMatchObject({
      status: 429,
      instance: '/api/v1/unsubscribe',
      requestId: 'req-42',
      detail: 'Too many sign-in attempts',
    });
  });

  it('logs a 500 with the redacted URL, and not a 4xx', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      sendProblem(new InvalidInput('bad'), request, reply().reply);
      expect(logged).not.toHaveBeenCalled();
      const { sent, reply: fake } = reply();
      sendProblem(new Error('boom'), request, fake);
      expect(sent.status).toBe(500);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(logged.mock.calls[0])).not.toContain('secret');
    } finally {
      logged.mockRestore();
    }
  });
});
