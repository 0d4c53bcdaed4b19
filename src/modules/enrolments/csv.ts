/**
 * RFC 4180 CSV: quoted fields (with "" escapes and embedded commas or newlines), CRLF or LF,
 * an optional UTF-8 BOM. Returns rows of fields with the 1-based line each row started on.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
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
    rows.push({ line: rowLine, fields });
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

export class CsvHeaderError extends Error {}

/**
 * Rows of an `email,name,cohort` file (columns in any order, header case-insensitive, extra
 * columns ignored, blank lines skipped). `row` numbers count data rows, header excluded.
 */
export function parseImportCsv(text: string): Array<ImportRow & { row: number }> {
  const rows = parseCsv(text).filter((r) => r.fields.some((f) => f.trim() !== ''));
  if (!rows.length) return [];
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const at = (name: string) => header.indexOf(name);
  if (at('email') < 0) throw new CsvHeaderError('The CSV header must name an email column (email,name,cohort)');
  const [emailAt, nameAt, cohortAt] = [at('email'), at('name'), at('cohort')];
  return rows.slice(1).map((r, index) => ({
    row: index + 1,
    email: (r.fields[emailAt] ?? '').trim(),
    name: nameAt >= 0 ? r.fields[nameAt]?.trim() || undefined : undefined,
    cohort: cohortAt >= 0 ? r.fields[cohortAt]?.trim() || undefined : undefined,
  }));
}
