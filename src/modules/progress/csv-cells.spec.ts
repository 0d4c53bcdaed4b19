import { csvNumber, csvText } from './csv-cells';

describe('CSV cells', () => {
  it.each([
    ['Ana Zapata', '"Ana Zapata"'],
    ['', '""'],
    [null, '""'],
    ['=1+1', `"'=1+1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['-2+3', `"'-2+3"`],
    ['\t=x', `"'\t'=x"`],
    ["Sally;=cmd|' /C calc'!A0", `"Sally;'=cmd|' /C calc'!A0"`],
    ['a,+b;@c\t-d\r=e\n=f', `"a,'+b;'@c\t'-d\r'=e\n'=f"`],
    ['say "hi"', '"say ""hi"""'],
    ['Anne-Marie; Jr', '"Anne-Marie; Jr"'],
  ])('%j → %s', (value, expected) => {
    expect(csvText(value)).toBe(expected);
  });

  it('writes numbers bare and refuses non-numbers', () => {
    expect(csvNumber(12.5)).toBe('12.5');
    expect(() => csvNumber(NaN)).toThrow();
  });
});
