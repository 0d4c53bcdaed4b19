import { slugify, SLUG_PATTERN } from './slug';

describe('slugify', () => {
  it.each([
    ['Advice for Peace: Ending Civil War in Colombia', 'advice-for-peace-ending-civil-war-in-colombia'],
    ['  Négociation  à la  française ', 'negociation-a-la-francaise'],
    ['!!!', 'untitled'],
  ])('turns %p into %p', (input, expected) => {
    expect(slugify(input)).toBe(expected);
    expect(slugify(input)).toMatch(SLUG_PATTERN);
  });

  it('caps the length without a trailing hyphen', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
  });
});
