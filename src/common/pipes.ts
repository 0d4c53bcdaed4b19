import { ParseUUIDPipe } from '@nestjs/common';

/** Path ids must be UUIDs: anything else is a 400, not a database error. */
export const uuidPipe = new ParseUUIDPipe({ errorHttpStatusCode: 400 });
