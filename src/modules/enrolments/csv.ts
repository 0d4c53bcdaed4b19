import { unsafeText } from '../../common/input-text';

/** More non-blank rows than the caller takes: parsing stopped there, before the rest was read. */
export class CsvTooManyRows extends Error {}

/**
 * RFC 4180 CSV: quoted fields (with "" escapes and embedded commas or newlines), CRLF or LF,
 * an optional UTF-8 BOM. Returns the non-blank rows' fields with the 1-based line each started
 * on; past `maxRows` such rows it throws CsvTooManyRows (a huge file costs no more than the limit).
 */
export function parseCsv(text: string, maxRows = Infinity): Array<{ line: number; fields: string[] }> {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) {
      if (rows.length >= maxRows) throw new CsvTooManyRows(`more than ${maxRows} rows`);
      rows.push({ line: rowLine, fields });
    }
    fields = [];
    field = '';
  };
  while (i < input.length) {
    const c = input[i];
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && input[i + 1] === '\n') i += 1;
      line += 1;
      rowLine = line;
    } else field += c;
    i += 1;
  }
  if (field !== '' || fields.length) endRow();
  return rows;
}

export interface ImportRow {
  email: string;
  name?: string;
  cohort?: string;
}

/** A file the import cannot read: no email column, or a cell that cannot be stored as text. */
export class CsvFileError extends Error {
  constructor(
    message: string,
    readonly field = 'body',
  ) {
    super(message);
  }
}

/**
 * Rows of an `email,name,cohort` file (columns in any order, header case-insensitive, extra
 * columns ignored, blank lines skipped). `row` numbers count data rows, header excluded.
 * More than `maxRows` data rows throw CsvTooManyRows as soon as the next one is reached.
 */
export function parseImportCsv(text: string, maxRows = Infinity): Array<ImportRow & { row: number }> {
  const rows = parseCsv(text, maxRows + 1);
  if (!rows.length) return [];
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const at = (name: string) => header.indexOf(name);
  if (at('email') < 0) throw new CsvFileError('The CSV header must name an email column (email,name,cohort)');
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
