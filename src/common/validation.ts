import type { ValidationError } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FieldError } from './errors';
import { InvalidInput } from './errors';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith('property ') ? message.replace(/^property (\S+) /, '$1 ') : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
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
  validationError: { target: false, value: false },
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
