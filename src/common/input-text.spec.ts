import { findUnsafeText, unsafeText } from './input-text';

describe('unsafe text', () => {
  it('finds NULs and unpaired surrogates, and nothing in well-formed text', () => {
    expect(unsafeText('Müller 😀 \u202e')).toBeNull();
    expect(unsafeText('a\u0000b')).toMatch(/NUL/);
    expect(unsafeText('a\ud800')).toMatch(/surrogate/);
    expect(unsafeText('\udc00a')).toMatch(/surrogate/);
    expect(unsafeText('\ud83d\ude00\ud83d')).toMatch(/surrogate/);
  });

  it('names the field of the first bad string, keys included, like validation errors do', () => {
    expect(findUnsafeText({ name: 'ok', tags: ['a', 'b\u0000'] })).toEqual({
      field: 'tags.1',
      message: 'tags.1 contains a NUL character, which is not allowed',
    });
    expect(findUnsafeText({ rows: [{ email: 'a@b.c' }, { email: 'x', name: '\ud800' }] })?.field).toBe('rows.1.name');
    expect(findUnsafeText({ target: { 'x\u0000': 1 } })?.field).toBe('target');
    expect(findUnsafeText('\u0000')?.field).toBe('body');
    expect(findUnsafeText({ a: [1, null, true, { b: 'fine' }] })).toBeNull();
  });
});
