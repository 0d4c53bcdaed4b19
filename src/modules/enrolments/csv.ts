import { CsvError, parse } from 'csv-parse/sync';
import { unsafeText } from '../../common/input-text';

/** More non-blank rows than the caller takes: parsing stopped there, before the rest was read. */
export class CsvTooManyRows extends Error {}

/** A file the import cannot read: no email column, a broken quote, or a cell that cannot be stored as text. */
export class CsvFileError extends Error {
  constructor(
    message: string,
    readonly field = 'body',
  ) {
    super(message);
  }
}

/** The delimiters an import reads, detected from the header line. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Characters other exports separate columns with; named in the header error, never read. */
const OTHER_DELIMITERS = ['|', ':', '^', '~'];

export const delimiterName = (d: string): string => (d === '\t' ? 'tab' : `'${d}'`);

/** Counts of each candidate character in the first line, outside double quotes. */
function headerCounts(text: string, candidates: readonly string[]): Map<string, number> {
  const counts = new Map(candidates.map((c) => [c, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if ([...counts.values()].some((n) => n > 0) || text.slice(0, i).trim() !== '') break; // past leading blank lines
    } else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  return counts;
}

/**
 * The delimiter of a CSV file: whichever of `,` `;` and tab occurs most often in its header line
 * (outside quotes); a comma when none does (a one-column `email` file) or on a tie.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = headerCounts(text, CSV_DELIMITERS);
  let best: CsvDelimiter = ',';
  for (const d of CSV_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** The character a one-column header looks split by, if any (supported or not). */
function lookalikeDelimiter(cell: string): string | undefined {
  const counts = headerCounts(cell, [...CSV_DELIMITERS, ...OTHER_DELIMITERS]);
  let best: string | undefined;
  for (const [d, n] of counts) if (n > 0 && (best === undefined || n > counts.get(best)!)) best = d;
  return best;
}

const quoteCell = (cell: string) => `'${cell.length > 60 ? `${cell.slice(0, 60)}…` : cell}'`;

/** What the header was read as, and why it is not an import header. */
function headerError(header: string[], delimiter: CsvDelimiter): CsvFileError {
  const wanted = 'The CSV header must name an email column (email,name,cohort)';
  if (header.length === 1) {
    const found = `found 1 column ${quoteCell(header[0])}`;
    const other = lookalikeDelimiter(header[0]);
    if (!other) return new CsvFileError(`${wanted}; ${found}`);
    const hint = (CSV_DELIMITERS as readonly string[]).includes(other)
      ? 'but the whole header line is one quoted cell; remove the quotes around it'
      : "which the import does not read; save the file with ',' ';' or tab between columns";
    return new CsvFileError(`${wanted}; ${found}: the delimiter looks like ${delimiterName(other)}, ${hint}`);
  }
  const shown = header.slice(0, 10).map(quoteCell).join(', ') + (header.length > 10 ? ', …' : '');
  return new CsvFileError(
    `${wanted}; found ${header.length} columns ${shown} separated by ${delimiterName(delimiter)}, none of them email`,
  );
}

const NEWLINES = /\n/g;
const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

/** A non-blank CSV row; `line` (1-based, where it starts) is worked out on first read, as only error messages need it. */
export interface CsvRow {
  readonly fields: string[];
  readonly line: number;
}

/**
 * RFC 4180 CSV through csv-parse: quoted fields (with "" escapes and embedded delimiters or
 * newlines, read as LF), CRLF, LF or CR line ends, an optional UTF-8 BOM, rows of any length, a
 * stray quote inside an unquoted cell kept as written. Returns the non-blank rows; past `maxRows`
 * such rows it throws CsvTooManyRows, having parsed only that far.
 */
export function parseCsv(text: string, maxRows = Infinity, delimiter: CsvDelimiter = detectDelimiter(text)): CsvRow[] {
  // One kind of line break, so csv-parse's line numbers hold (it counts a quoted CRLF as two lines).
  const input = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const options = {
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: '\n',
  };
  const read = (to?: number): string[][] => {
    try {
      return parse(input, { ...options, ...(to !== undefined && { to }) });
    } catch (error) {
      if (error instanceof CsvError) throw new CsvFileError(`The CSV file cannot be read: ${error.message}`);
      throw error;
    }
  };
  // Parse one record past the limit; only rows of blank cells (skipped) can make a second, full pass needed.
  const cap = Number.isFinite(maxRows) ? maxRows + 1 : undefined;
  let records = read(cap);
  const nonBlank = () => records.reduce((n, r) => n + (isBlank(r) ? 0 : 1), 0);
  if (cap !== undefined && records.length >= cap && nonBlank() <= maxRows) records = read();
  // Start lines cost a second pass with csv-parse's info (2-3x slower), taken only when a message needs one.
  let lines: number[] | undefined;
  const lineOf = (index: number) =>
    (lines ??= (parse(input, { ...options, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>).map(
      (r) => r.info.lines - r.record.reduce((n, f) => n + (f.match(NEWLINES)?.length ?? 0), 0),
    ))[index];
  const rows: CsvRow[] = [];
  records.forEach((fields, index) => {
    if (isBlank(fields)) return;
    rows.push({
      fields,
      get line() {
        return lineOf(index);
      },
    });
  });
  if (rows.length > maxRows) throw new CsvTooManyRows(`more than ${maxRows} rows`);
  return rows;
}

export interface ImportRow {
  email: string;
  name?: string;
  cohort?: string;
}

/**
 * Rows of an `email,name,cohort` file (columns in any order, separated by `,` `;` or tab as the
 * header shows, header case-insensitive, extra columns ignored, blank lines skipped). `row`
 * numbers count data rows, header excluded. More than `maxRows` data rows throw CsvTooManyRows.
 */
export function parseImportCsv(text: string, maxRows = Infinity): Array<ImportRow & { row: number }> {
  const delimiter = detectDelimiter(text);
  const rows = parseCsv(text, maxRows + 1, delimiter);
  if (!rows.length) return [];
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const at = (name: string) => header.indexOf(name);
  if (at('email') < 0) throw headerError(rows[0].fields, delimiter);
  const columns = (['email', 'name', 'cohort'] as const).filter((name) => at(name) >= 0);
  return rows.slice(1).map((r, index) => {
    const cell = (name: 'email' | 'name' | 'cohort') => r.fields[at(name)]?.trim() || undefined;
    for (const name of columns) {
      const problem = unsafeText(r.fields[at(name)] ?? '');
      if (problem) throw new CsvFileError(`Row ${index + 1} (line ${r.line}): ${name} ${problem}`, name);
    }
    return { row: index + 1, email: cell('email') ?? '', name: cell('name'), cohort: cell('cohort') };
  });
}
