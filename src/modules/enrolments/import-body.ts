import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { csvText } from '../../common/body-parsers';
import { DomainError, InvalidInput } from '../../common/errors';
import { CHARSET_MAX } from '../../common/limits';
import { validateDto } from '../../common/validation';
import type { ImportRow } from './csv';
import { CsvFileError, CsvTooManyRows, parseImportCsv } from './csv';
import { BULK_ROW_LIMIT, BulkEnrolDto } from './dto/enrolment.dto';

/** The bulk import route (CourseEnrolmentsController.bulk): the app gives it a larger body limit and a row cap. */
export const BULK_PATH = '/api/v1/courses/:id/enrolments/bulk';

const bytesText = (bytes: number) =>
  bytes >= 1_048_576 && bytes % 1_048_576 === 0 ? `${bytes} bytes (${bytes / 1_048_576} MiB)` : `${bytes} bytes`;

/** The limits an import is held to, as its 413 answers state them. */
export const importLimitsText = (limitBytes: number) => `An import takes at most ${BULK_ROW_LIMIT} rows and ${bytesText(limitBytes)}`;

export const tooManyRows = (limitBytes: number, count?: number) =>
  new DomainError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'too-large',
    `${importLimitsText(limitBytes)}; this one has ${count ?? `more than ${BULK_ROW_LIMIT}`} rows. Split the file.`,
  );

export const tooManyBytes = (limitBytes: number) =>
  new DomainError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'too-large',
    `${importLimitsText(limitBytes)}; this one is larger than ${limitBytes} bytes. Split the file.`,
  );

/**
 * The rows of a bulk import body, JSON `{rows: [...]}` or CSV text. Rows are counted before any
 * is validated or built: past BULK_ROW_LIMIT the answer is 413 at the cost of counting.
 */
export async function importRows(body: unknown, limitBytes: number): Promise<Array<ImportRow & { row: number }>> {
  if (typeof body === 'string') {
    try {
      return parseImportCsv(body, BULK_ROW_LIMIT);
    } catch (error) {
      if (error instanceof CsvTooManyRows) throw tooManyRows(limitBytes);
      if (error instanceof CsvFileError) throw new InvalidInput(error.message, [{ field: error.field, message: error.message }]);
      throw error;
    }
  }
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows) && rows.length > BULK_ROW_LIMIT) throw tooManyRows(limitBytes, rows.length);
  const valid = await validateDto(BulkEnrolDto, body);
  return valid.rows.map((r, index) => ({ row: index + 1, email: r.email, name: r.name, cohort: r.cohort }));
}

const badForm = (message: string, field = 'file') => new InvalidInput(message, [{ field, message }]);

/** Errors of @fastify/multipart and busboy, as the problems the rest of the route answers. */
function formError(error: unknown, limitBytes: number): Error {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooManyBytes(limitBytes);
  if (code === 'FST_FILES_LIMIT') return badForm('Send one file, in the field named "file"');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION')
    return badForm('The form takes a "file" field and, before it, an optional "charset" field; nothing else', 'body');
  return badForm(`The multipart body could not be read: ${(error as Error).message ?? 'malformed'}`, 'body');
}

/**
 * The CSV text of a `multipart/form-data` bulk import: one file field named `file`, optionally
 * preceded by a `charset` field (a file part's own charset is not passed on by the parser), read
 * with the same rules as a `text/csv` body (the named charset, else detected: UTF-16 by its BOM,
 * UTF-8, or Windows-1252). The file
 * may be as large as the route's body limit (IMPORT_BODY_LIMIT_BYTES).
 */
export async function multipartCsv(request: FastifyRequest, limitBytes: number): Promise<string> {
  if (Number(request.headers['content-length']) > limitBytes) throw tooManyBytes(limitBytes);
  let charset: string | undefined;
  let file: Buffer | undefined;
  try {
    const parts = request.parts({
      limits: { fileSize: limitBytes, files: 1, fields: 1, parts: 2, fieldSize: CHARSET_MAX, headerPairs: 20 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badForm(`Unexpected file field "${part.fieldname.slice(0, 40)}"; name it "file"`);
        file = await part.toBuffer();
      } else if (part.fieldname === 'charset' && typeof part.value === 'string' && !file) {
        charset = part.value.trim();
      } else {
        throw badForm(
          `Unexpected form field "${part.fieldname.slice(0, 40)}"; the form takes "charset" then "file"`,
          part.fieldname.slice(0, 40),
        );
      }
    }
  } catch (error) {
    throw formError(error, limitBytes);
  }
  if (!file) throw badForm('A multipart import needs the CSV in a file field named "file"');
  return csvText(file, charset ? `text/csv; charset=${charset}` : undefined);
}
