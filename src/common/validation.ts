import type { ValidationError } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FieldError } from './errors';
import { InvalidInput } from './errors';

const readable = (message: string) => (message.startsWith('property ') ? message.replace(/^property (\S+) /, '$1 ') : message);

/**
 * One message per field, in plain words: "password is required" when it is missing (not every
 * rule it then fails), otherwise the first rule it fails in the order the DTO declares them.
 * class-validator runs (and reports) decorators bottom-up, so the declared order is the reverse.
 */
function firstMessage(error: ValidationError): string | undefined {
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) return readable(constraints.whitelistValidation);
  const messages = Object.values(constraints).reverse();
  if (!messages.length) return undefined;
  if (error.value === undefined || error.value === null) return `${error.property} is required`;
  return readable(messages[0]);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const message = firstMessage(error);
    return message ? [{ field, message }] : flatten(error.children ?? [], field);
  });
}

export function validationFailed(errors: ValidationError[]): InvalidInput {
  const fields = flatten(errors);
  const names = [...new Set(fields.map((f) => f.field))];
  return new InvalidInput(
    `Invalid input: ${fields.map((f) => f.message).join('; ')}`.slice(0, 1000),
    fields.length ? fields : names.map((field) => ({ field, message: 'is invalid' })),
  );
}

export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // The value is read (to tell a missing field) but never written into an answer: see flatten.
  validationError: { target: false, value: true },
};

/** Global pipe: unknown fields are refused (mass assignment), errors name the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATION_OPTIONS,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: validationFailed,
  });
}

/** Validates a plain object against a DTO class outside the pipe (e.g. inside a guard). */
export async function validateDto<T extends object>(cls: new () => T, value: unknown): Promise<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInput('The request body must be a JSON object');
  }
  const instance = plainToInstance(cls, value);
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length) throw validationFailed(errors);
  return instance;
}
