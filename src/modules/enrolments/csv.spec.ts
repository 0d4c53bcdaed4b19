import { CsvHeaderError, parseCsv, parseImportCsv } from './csv';

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
    expect(() => parseImportCsv('name,cohort\nA,B\n')).toThrow(CsvHeaderError);
  });
});
