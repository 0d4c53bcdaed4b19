/**
 * Cells of the CSV exports. Every text cell is quoted, and a formula starter (= + - @ tab CR) is
 * neutralised with a leading apostrophe wherever a spreadsheet could start a cell with it: at the
 * start of the field and after a `;`, `,`, tab or line break, since Excel in many locales splits on
 * `;` and some importers ignore the quotes.
 */
const FORMULA_START = /(?<=^|[;,\t\r\n])(?=[=+\-@\t\r])/g;

export function csvText(value: string | null): string {
  const safe = (value ?? '').replace(FORMULA_START, "'");
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Numbers are written bare: they cannot hold text, so they cannot hold a formula. */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
