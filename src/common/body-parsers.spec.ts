import { csvText, detectCsvEncoding, JsonShapeScanner, jsonShapeProblem as shapeOf, utf8Text } from './body-parsers';

const jsonShapeProblem = (text: string) => shapeOf(Buffer.from(text));

describe('jsonShapeProblem', () => {
  it('passes ordinary bodies and judges nothing inside strings', () => {
    expect(jsonShapeProblem('{"events":[{"watchedSegments":[[0,1],[2,3]]}],"s":"[[[[{{{{,,,,\\"]]]"}')).toBeNull();
    expect(jsonShapeProblem('[' + '1,'.repeat(9_999) + '1]')).toBeNull(); // exactly 10,000 elements
    expect(jsonShapeProblem('not json at all ]]]}}}')).toBeNull(); // JSON.parse judges validity
    expect(jsonShapeProblem('{"ü€😀":["\u00fc[[[[", "ü"]}')).toBeNull(); // multi-byte UTF-8 is never mistaken for structure
  });

  it('stops at the first level past the limit, arrays and objects alike, without recursion', () => {
    expect(jsonShapeProblem('['.repeat(32) + ']'.repeat(32))).toBeNull();
    expect(jsonShapeProblem('['.repeat(33) + ']'.repeat(33))).toBe('depth');
    expect(jsonShapeProblem('{"a":'.repeat(1_000_000))).toBe('depth');
    expect(jsonShapeProblem('[{"a":[{"b":'.repeat(9) + '1')).toBe('depth');
  });

  it('counts the elements of every array, but not the members of objects', () => {
    expect(jsonShapeProblem('{"rows":[' + '{},'.repeat(10_000) + '{}]}')).toBe('array');
    expect(jsonShapeProblem('[[' + '1,'.repeat(10_000) + '1]]')).toBe('array');
    expect(jsonShapeProblem('{' + Array.from({ length: 20_000 }, (_, i) => `"k${i}":1`).join(',') + '}')).toBeNull();
    expect(jsonShapeProblem('[' + '[1,2],'.repeat(9_999) + '[1,2]]')).toBeNull();
  });
});

describe('JsonShapeScanner', () => {
  it('judges a body fed in chunks as it judges the whole, strings and escapes split anywhere', () => {
    const bodies = ['{"s":"\\"[[[[","t":[1,2,3]}', '['.repeat(33), `[${'1,'.repeat(10_000)}1]`, '{"a":"ü\\"}', `{"x":"${'['.repeat(40)}"}`];
    for (const body of bodies) {
      const bytes = Buffer.from(body);
      for (const size of [1, 2, 3, 7]) {
        const scanner = new JsonShapeScanner();
        let result = null;
        for (let i = 0; i < bytes.length && !result; i += size) result = scanner.feed(bytes.subarray(i, i + size));
        expect([body.slice(0, 20), size, result]).toEqual([body.slice(0, 20), size, shapeOf(bytes)]);
      }
    }
  });
});

describe('body text', () => {
  it('takes UTF-8 (BOM dropped) and refuses anything else', () => {
    expect(utf8Text(Buffer.from('\ufeff{"name":"Müller"}'))).toBe('{"name":"Müller"}');
    expect(() => utf8Text(Buffer.from('{"name":"M\xfcller"}', 'latin1'))).toThrow('not valid UTF-8');
  });

  it('reads a CSV in the charset its Content-Type names, strictly', () => {
    const latin1 = Buffer.from('email,name\nm@example.org,M\xfcller\n', 'latin1');
    expect(() => csvText(latin1, 'text/csv; charset=utf-8')).toThrow('not valid UTF-8 (the Content-Type says charset=utf-8');
    expect(csvText(latin1, 'text/csv; charset=windows-1252')).toBe('email,name\nm@example.org,Müller\n');
    expect(csvText(latin1, 'text/csv; charset="ISO-8859-1"')).toContain('Müller');
    expect(() => csvText(latin1, 'text/csv; charset=x-made-up')).toThrow('not supported');
  });

  it('reads UTF-16 (little or big endian) when a byte order mark says so and no charset is named', () => {
    const text = 'email,name\nz@example.org,Zoë\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(csvText(le, 'text/csv')).toBe(text);
    expect(csvText(Buffer.from(le).swap16(), undefined)).toBe(text); // big endian: FE FF …
    // A lone half of a character is not UTF-16: 400, not a silent U+FFFD.
    expect(() => csvText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0x41])]), 'text/csv')).toThrow('not valid utf-16le');
  });

  it('takes a CSV whose charset is not named as UTF-8 when its bytes are UTF-8, else as Windows-1252', () => {
    const text = 'email;name\nm@example.org;Müller\np@example.org;Pérez – “Pepe”\n';
    expect(detectCsvEncoding(Buffer.from(text))).toBe('utf-8');
    expect(csvText(Buffer.from(`\ufeff${text}`), 'text/csv')).toBe(text);
    // Excel's plain "CSV" export: é is E9, the en dash 96 and the curly quotes 93/94 (not Latin-1's C1 controls).
    const cp1252 = Buffer.from([
      ...Buffer.from('email;name\nm@example.org;M\xfcller\np@example.org;P\xe9rez ', 'latin1'),
      0x96,
      0x20,
      0x93,
      ...Buffer.from('Pepe'),
      0x94,
      0x0a,
    ]);
    expect(detectCsvEncoding(cp1252)).toBe('windows-1252');
    expect(csvText(cp1252, 'application/vnd.ms-excel')).toBe(text);
    expect(csvText(cp1252, undefined)).toBe(text);
    expect(detectCsvEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toBe('utf-16be');
  });
});
