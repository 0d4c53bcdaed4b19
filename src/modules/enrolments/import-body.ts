import { HttpStatus } from '@nestjs/common';
import { DomainError, InvalidInput } from '../../common/errors';
import { validateDto } from '../../common/validation';
import type { ImportRow } from './csv';
import { CsvFileError, CsvTooManyRows, parseImportCsv } from './csv';
import { BULK_ROW_LIMIT, BulkEnrolDto } from './dto/enrolment.dto';

/** The bulk import route (CourseEnrolmentsController.bulk): the app gives it a larger body limit and a row cap. */
export const BULK_PATH = '/api/v1/courses/:id/enrolments/bulk';

export const tooManyRows = (count?: number) =>
  new DomainError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'too-large',
    `An import takes at most ${BULK_ROW_LIMIT} rows; this one has ${count ?? 'more'}. Split the file.`,
  );

/**
 * The rows of a bulk import body, JSON `{rows: [...]}` or CSV text. Rows are counted before any
 * is validated or built: past BULK_ROW_LIMIT the answer is 413 at the cost of counting.
 */
export async function importRows(body: unknown): Promise<Array<ImportRow & { row: number }>> {
  if (typeof body === 'string') {
    try {
      return parseImportCsv(body, BULK_ROW_LIMIT);
    } catch (error) {
      if (error instanceof CsvTooManyRows) throw tooManyRows();
      if (error instanceof CsvFileError) throw new InvalidInput(error.message, [{ field: error.field, message: error.message }]);
      throw error;
    }
  }
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows) && rows.length > BULK_ROW_LIMIT) throw tooManyRows(rows.length);
  const valid = await validateDto(BulkEnrolDto, body);
  return valid.rows.map((r, index) => ({ row: index + 1, email: r.email, name: r.name, cohort: r.cohort }));
}
