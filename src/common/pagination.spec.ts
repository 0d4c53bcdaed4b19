import { configureCursors, decodeCursor, decodeKeys, encodeCursor, encodeKeys } from './pagination';

describe('cursors', () => {
  const id = '6f1c2b9e-8a7d-4c3b-9e2f-1a2b3c4d5e6f';
  beforeAll(() => configureCursors('a-test-secret-that-is-long-enough-for-hmac'));

  it('round-trips what the API issued', () => {
    const at = new Date('2026-11-25T10:00:00.000Z').toISOString();
    expect(decodeCursor(encodeCursor({ at, id }))).toEqual({ at, id });
    expect(decodeKeys(encodeKeys([0.42, id]), ['number', 'uuid'])).toEqual([0.42, id]);
  });

  it('refuses a cursor it did not issue, or one altered after issue', () => {
    const issued = encodeCursor({ at: '2026-11-25T10:00:00.000Z', id });
    const [, mac] = issued.split('.');
    const forged = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', id])).toString('base64url');
    for (const cursor of [
      forged,
      `${forged}.${mac}`,
      issued.replace(/^./, (c) => (c === 'W' ? 'X' : 'W')),
      `${issued}x`,
      `${issued}.x`,
      'garbage',
      '',
    ]) {
      expect(() => decodeCursor(cursor)).toThrow('The cursor is not valid');
    }
    configureCursors('another-secret-another-secret-another');
    expect(() => decodeCursor(issued)).toThrow('The cursor is not valid');
    configureCursors('a-test-secret-that-is-long-enough-for-hmac');
  });

  it('refuses a signed cursor whose values are out of shape (a leaked key is still no 500)', () => {
    expect(() => decodeCursor(encodeKeys(['+275760-09-13T00:00:00.000Z', id]))).toThrow('The cursor is not valid');
    expect(() => decodeKeys(encodeKeys(['x\u0000', id]), ['string', 'uuid'])).toThrow('The cursor is not valid');
    expect(() => decodeKeys(encodeKeys([1, 'not-a-uuid']), ['number', 'uuid'])).toThrow('The cursor is not valid');
  });
});
