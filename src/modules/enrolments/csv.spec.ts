import { CsvFileError, CsvTooManyRows, parseCsv, parseImportCsv } from './csv';

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded commas and newlines', () => {
    expect(parseCsv('a,"b, c","say ""hi""","multi\nline"\n').map((r) => r.fields)).toEqual([['a', 'b, c', 'say "hi"', 'multi\nline']]);
  });

  it('accepts CRLF and LF and a missing final newline', () => {
    expect(parseCsv('x,y\r\n1,2\n3,4').map((r) => r.fields)).toEqual([
      ['x', 'y'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

describe('parseImportCsv', () => {
  it('strips a BOM, skips blank lines, ignores extra columns and reorders by header', () => {
    const text = '\ufeffName,EMAIL,cohort,notes\r\n"Santos, Juan",JMS@example.org,Bogota,x\r\n\r\n,  lone@example.org ,,\n';
    expect(parseImportCsv(text)).toEqual([
      { row: 1, email: 'JMS@example.org', name: 'Santos, Juan', cohort: 'Bogota' },
      { row: 2, email: 'lone@example.org', name: undefined, cohort: undefined },
    ]);
  });

  it('requires an email column', () => {
    expect(() => parseImportCsv('name,cohort\nA,B\n')).toThrow(CsvFileError);
  });
});

describe('import limits', () => {
  it('stops at the first data row past the limit, not counting blank lines', () => {
    const rows = (n: number) => ['email', ...Array.from({ length: n }, (_, i) => `s${i}@example.org`)].join('\n\n');
    expect(parseImportCsv(rows(3), 3)).toHaveLength(3);
    expect(() => parseImportCsv(rows(4), 3)).toThrow(CsvTooManyRows);
    expect(() => parseCsv('a\nb\nc\n', 2)).toThrow(CsvTooManyRows);
  });

  it('refuses a NUL in a cell the import reads, naming the row and column', () => {
    expect(() => parseImportCsv('email,name\nok@example.org,A\nb@example.org,x\u0000y\n')).toThrow(
      'Row 2 (line 3): name contains a NUL character',
    );
    // Columns the import ignores are never stored, so they are not judged.
    expect(parseImportCsv('email,notes\nok@example.org,x\u0000y\n')).toEqual([
      { row: 1, email: 'ok@example.org', name: undefined, cohort: undefined },
    ]);
  });
});
