import { CsvFileError, CsvTooManyRows, detectDelimiter, parseCsv, parseImportCsv } from './csv';

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

  it('reads semicolon files (Excel in much of Europe), commas in names kept', () => {
    const text = 'Email;Name;Cohort\r\nm@example.org;Müller, Jürgen;Abend\r\np@example.org;"Pérez; Ana";\r\n';
    expect(detectDelimiter(text)).toBe(';');
    expect(parseImportCsv(text)).toEqual([
      { row: 1, email: 'm@example.org', name: 'Müller, Jürgen', cohort: 'Abend' },
      { row: 2, email: 'p@example.org', name: 'Pérez; Ana', cohort: undefined },
    ]);
  });

  it('reads tab-separated files (a spreadsheet copied as text)', () => {
    const text = 'email\tname\tcohort\nt@example.org\tTab, Person\tEvening\n';
    expect(detectDelimiter(text)).toBe('\t');
    expect(parseImportCsv(text)).toEqual([{ row: 1, email: 't@example.org', name: 'Tab, Person', cohort: 'Evening' }]);
  });

  it('detects the delimiter from the header line only, outside quotes; a one-column file is comma-separated', () => {
    expect(detectDelimiter('email\na;b;c\n')).toBe(',');
    expect(detectDelimiter('"e;mail",name\n')).toBe(',');
    expect(detectDelimiter('\n\nemail;name\n')).toBe(';');
    expect(detectDelimiter('email,name;cohort\n')).toBe(','); // a tie goes to the comma
  });

  it('keeps newlines inside quoted names and numbers rows and lines as the file has them', () => {
    const text = 'email,name\nq@example.org,"Line one\r\nline two"\nr@example.org,R\u0000\n';
    expect(() => parseImportCsv(text)).toThrow('Row 2 (line 4): name contains a NUL character');
    expect(parseImportCsv('email,name\nq@example.org,"Line one\nline two"\n')).toEqual([
      { row: 1, email: 'q@example.org', name: 'Line one\nline two', cohort: undefined },
    ]);
  });

  it('says what header it found and which delimiter it looks like', () => {
    const error = (text: string) => {
      try {
        parseImportCsv(text);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error('"email;name;cohort"\n"a@example.org;A;B"\n')).toBe(
      "The CSV header must name an email column (email,name,cohort); found 1 column 'email;name;cohort': the delimiter looks like ';', but the whole header line is one quoted cell; remove the quotes around it",
    );
    expect(error('email|name|cohort\na@example.org|A|B\n')).toBe(
      "The CSV header must name an email column (email,name,cohort); found 1 column 'email|name|cohort': the delimiter looks like '|', which the import does not read; save the file with ',' ';' or tab between columns",
    );
    expect(error('mail;name;cohort\na@example.org;A;B\n')).toBe(
      "The CSV header must name an email column (email,name,cohort); found 3 columns 'mail', 'name', 'cohort' separated by ';', none of them email",
    );
    expect(error('e-mail address\n')).toBe("The CSV header must name an email column (email,name,cohort); found 1 column 'e-mail address'");
  });

  it('answers a broken quote with a 400-worthy error naming the line', () => {
    expect(() => parseImportCsv('email,name\na@example.org,"never closed\n')).toThrow(/The CSV file cannot be read: .*line 2/);
  });
});

describe('import limits', () => {
  it('stops at the first data row past the limit, not counting blank lines', () => {
    const rows = (n: number) => ['email', ...Array.from({ length: n }, (_, i) => `s${i}@example.org`)].join('\n\n');
    expect(parseImportCsv(rows(3), 3)).toHaveLength(3);
    expect(() => parseImportCsv(rows(4), 3)).toThrow(CsvTooManyRows);
    expect(() => parseCsv('a\nb\nc\n', 2)).toThrow(CsvTooManyRows);
    // Rows of blank cells are skipped and not counted, even when they fill the first pass.
    expect(parseCsv('a\n , \n,\n\t\nb\n', 2).map((r) => r.fields)).toEqual([['a'], ['b']]);
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
