import { ApiPropertyOptional } from '@nestjs/swagger';
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInput } from './errors';
import { isUuid } from './uuid';
import { CURSOR_MAX, PAGE_LIMIT_MAX } from './limits';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({ maxLength: CURSOR_MAX, description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Keyset position: the sort key and id of the last row of the previous page. */
export interface Keyset {
  at: string;
  id: string;
}

// Exactly what Date#toISOString writes for the years PostgreSQL and JavaScript share.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type CursorPart = 'date' | 'number' | 'uuid' | 'string';

const invalidCursor = () =>
  new InvalidInput('The cursor is not valid', [{ field: 'cursor', message: 'cursor is not a cursor this API issued' }]);

// Replaced at start-up by a key derived from JWT_SECRET, so every API process signs alike.
let cursorKey: Buffer = randomBytes(32);

/** Cursors are signed: one the API did not issue (or one altered) is refused before it reaches SQL. */
export function configureCursors(secret: string): void {
  cursorKey = createHmac('sha256', secret).update('accord:cursor:v1').digest();
}

const signature = (payload: string) => createHmac('sha256', cursorKey).update(payload).digest().subarray(0, 16);

/** An opaque cursor over any keyset (e.g. [rank, id] or [createdAt, id]): base64url JSON and a truncated HMAC. */
export function encodeKeys(parts: Array<string | number>): string {
  const payload = Buffer.from(JSON.stringify(parts)).toString('base64url');
  return `${payload}.${signature(payload).toString('base64url')}`;
}

export function decodeKeys(cursor: string | undefined, shape: CursorPart[]): Array<string | number> | null {
  if (cursor === undefined) return null;
  const [payload, mac, extra] = cursor.split('.');
  const given = Buffer.from(mac ?? '', 'base64url');
  if (extra !== undefined || !payload || given.length !== 16 || !timingSafeEqual(given, signature(payload))) throw invalidCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  // Signed by us, so well-formed; checked anyway, so a leaked key cannot turn into a 500.
  if (!Array.isArray(parts) || parts.length !== shape.length) throw invalidCursor();
  const ok = shape.every((kind, i) => {
    const v = parts[i] as unknown;
    switch (kind) {
      case 'date':
        return typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v));
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      case 'uuid':
        return isUuid(v);
      case 'string':
        return typeof v === 'string' && v.length <= 400 && !v.includes('\0');
    }
  });
  if (!ok) throw invalidCursor();
  return parts as Array<string | number>;
}

export function encodeCursor(position: Keyset): string {
  return encodeKeys([position.at, position.id]);
}

export function decodeCursor(cursor: string | undefined): Keyset | null {
  const parts = decodeKeys(cursor, ['date', 'uuid']);
  return parts ? { at: parts[0] as string, id: parts[1] as string } : null;
}

export function pageLimit(query: PageQuery): number {
  return query.limit ?? 50;
}

/** Builds a page from `limit + 1` rows fetched in keyset order. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => Keyset | Array<string | number>, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  const position = more ? key(last) : null;
  return {
    data: slice.map(map),
    nextCursor: position === null ? null : Array.isArray(position) ? encodeKeys(position) : encodeCursor(position),
  };
}
