import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InvalidInput } from './errors';
import { isUuid } from './uuid';

/** Path ids must be UUIDs: anything else is a 400 naming the parameter, not a database error. */
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (isUuid(value)) return value;
    const field = metadata.data ?? 'id';
    throw new InvalidInput(`The path parameter ${field} must be a UUID`, [{ field, message: `${field} must be a UUID` }]);
  }
}

export const uuidPipe = new UuidPipe();
