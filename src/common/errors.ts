import { HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A domain error with the HTTP status it maps to. The problem+json filter renders it;
 * services throw these, never bare `Error`s meant for a client.
 */
export class DomainError extends Error {
  /** The problem's title when it says more than the status's own (e.g. "CSRF check failed"). */
  readonly title?: string;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(what: string) {
    super(HttpStatus.NOT_FOUND, 'not-found', `${what} was not found`);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code = 'conflict') {
    super(HttpStatus.CONFLICT, code, message);
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, 'invalid-input', message, errors);
  }
}

/** A path that exists, asked with a method it does not answer: 405 with the methods it does in `Allow`. */
export class MethodNotAllowed extends DomainError {
  constructor(method: string, path: string, allowed: string[]) {
    super(
      HttpStatus.METHOD_NOT_ALLOWED,
      'method-not-allowed',
      `${path} does not answer ${method}; it answers ${allowed.join(', ')}`,
      undefined,
      {
        Allow: allowed.join(', '),
      },
    );
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Authentication is required') {
    super(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);
  }
}

export class InvalidCredentials extends DomainError {
  constructor() {
    super(HttpStatus.UNAUTHORIZED, 'invalid-credentials', 'The email or password is incorrect');
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Your role does not allow this') {
    super(HttpStatus.FORBIDDEN, 'forbidden', message);
  }
}

export class TooManyRequests extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'too-many-requests', message, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export class Unavailable extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'unavailable', message, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/** A cookie-authenticated request without the matching X-CSRF-Token header. */
export class CsrfRejected extends DomainError {
  override readonly title = 'CSRF check failed';
  constructor() {
    super(HttpStatus.FORBIDDEN, 'csrf-failed', 'The X-CSRF-Token header is missing or does not match the session cookie');
  }
}

/** A Range header that starts past the end of the file; Content-Range says how long the file is. */
export class RangeNotSatisfiable extends DomainError {
  constructor(contentRange: string) {
    super(416, 'range-not-satisfiable', 'The requested range is outside the file', undefined, { 'Content-Range': contentRange });
  }
}
