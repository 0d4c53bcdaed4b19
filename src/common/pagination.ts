import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { InvalidInput } from './errors';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CursorPart = 'date' | 'number' | 'uuid' | 'string';

const invalidCursor = () => new InvalidInput('The cursor is not valid', [{ field: 'cursor', message: 'cursor is not a cursor this API issued' }]);

/** An opaque cursor over any keyset (e.g. [rank, id] or [createdAt, id]). */
export function encodeKeys(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeKeys(cursor: string | undefined, shape: CursorPart[]): Array<string | number> | null {
  if (cursor === undefined) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length) throw invalidCursor();
  const ok = shape.every((kind, i) => {
    const v = parts[i] as unknown;
    switch (kind) {
      case 'date':
        return typeof v === 'string' && v.length < 40 && !Number.isNaN(Date.parse(v));
      case 'number':
        return typeof v === 'number' && Number.isFinite(v);
      case 'uuid':
        return typeof v === 'string' && UUID.test(v);
      case 'string':
        return typeof v === 'string' && v.length <= 400;
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
