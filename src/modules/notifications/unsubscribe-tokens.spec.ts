import { createHmac } from 'crypto';
import { UnsubscribeTokens } from './unsubscribe-tokens';

const secret = 'unit-test-secret-0123456789-abcdefghij';
const tokens = new UnsubscribeTokens({ auth: { jwtSecret: secret }, publicUrl: 'https://a.test' } as never);
const userId = '0b9d8c7e-1111-4222-8333-944445555666';
/** A token over any payload, signed with the real secret: only the parser stands between it and a user. */
const signed = (payload: string) => `${payload}.${createHmac('sha256', secret).update(`unsubscribe:${payload}`).digest('base64url')}`;
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes under another spelling: the last character's unused low bits set. */
const nonCanonical = (s: string) => {
  const c = b64(s);
  return c.slice(0, -1) + ALPHABET[ALPHABET.indexOf(c.slice(-1)) | 1];
};

describe('unsubscribe tokens', () => {
  const good = tokens.create(userId, 'due_soon');

  it('accepts the token it made', () => {
    expect(tokens.verify(good)).toEqual({ userId, kind: 'due_soon' });
    // The non-canonical spelling below does decode to a valid payload: only the parser refuses it.
    expect(Buffer.from(nonCanonical(`${userId}:welcome`), 'base64url').toString()).toBe(`${userId}:welcome`);
  });

  it.each([
    ['an extra dot-separated part', `${good}.extra`],
    ['a trailing dot', `${good}.`],
    ['an extra field in the signed payload', signed(b64(`${userId}:due_soon:admin`))],
    ['an empty extra field in the signed payload', signed(b64(`${userId}:due_soon:`))],
    ['a signed payload that is not canonical base64url', signed(nonCanonical(`${userId}:welcome`))],
    ['a signed payload with padding', signed(`${b64(`${userId}:welcome`)}=`)],
    ['a signed payload with a non-UUID user', signed(b64('../admin:due_soon'))],
    ['a signed payload with an unknown kind', signed(b64(`${userId}:everything`))],
    ['a MAC of the wrong length', `${good}AA`],
    ['whitespace around it', ` ${good}`],
    ['an array (repeated query parameter)', [good, good]],
    ['nothing', undefined],
  ])('refuses %s', (_name, token) => {
    expect(tokens.verify(token)).toBeNull();
  });
});
