import { sign } from 'jsonwebtoken';
import { AccessTokenVerifier } from './access-token-verifier';

const SECRET = 'unit-test-secret-0123456789abcdef';
const SID = '5d3c1b2a-0f9e-4d8c-8b7a-6e5f4d3c2b1a';
const verifier = () => new AccessTokenVerifier({ auth: { jwtSecret: SECRET } } as never);
const token = (claims: object = {}, options: object = {}) =>
  sign({ sub: '7c0b6a1e-3f7e-4d55-9a51-0f1c2a4b5c6d', tv: 0, sid: SID, ...claims }, SECRET, {
    algorithm: 'HS256',
    issuer: 'accord',
    expiresIn: 60,
    ...options,
  });

describe('AccessTokenVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('accepts a genuine token and answers again from memory', () => {
    const v = verifier();
    const t = token();
    const first = v.verify(t);
    expect(first).toMatchObject({ valid: true, claims: { sub: '7c0b6a1e-3f7e-4d55-9a51-0f1c2a4b5c6d', tv: 0 } });
    expect(v.verify(t)).toEqual(first);
  });

  it('refuses altered, foreign, unsigned and wrongly issued tokens', () => {
    const v = verifier();
    const [header, payload, signature] = token().split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: '00000000-0000-4000-8000-000000000000', tv: 0, iss: 'accord', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(v.verify(`${header}.${forged}.${signature}`)).toEqual({ valid: false, expired: false });
    expect(v.verify(sign({ sub: 'x', tv: 0 }, 'another-secret', { issuer: 'accord', expiresIn: 60 }))).toEqual({
      valid: false,
      expired: false,
    });
    expect(v.verify(sign({ sub: 'x', tv: 0 }, '', { algorithm: 'none', issuer: 'accord' }))).toEqual({ valid: false, expired: false });
    expect(v.verify(token({}, { issuer: 'someone-else' }))).toEqual({ valid: false, expired: false });
    expect(v.verify(`${header}.${payload}`)).toEqual({ valid: false, expired: false });
  });

  it('refuses a token without an expiry', () => {
    const v = verifier();
    const t = sign({ sub: '7c0b6a1e-3f7e-4d55-9a51-0f1c2a4b5c6d', tv: 0, sid: SID }, SECRET, { algorithm: 'HS256', issuer: 'accord' });
    expect(v.verify(t)).toEqual({ valid: false, expired: false });
    expect(v.verify(t)).toEqual({ valid: false, expired: false });
  });

  it('refuses other kinds of token signed with the same key (an audience) and tokens without a session', () => {
    const v = verifier();
    expect(v.verify(token({}, { audience: 'queues-session' }))).toEqual({ valid: false, expired: false });
    expect(v.verify(token({ sid: undefined }))).toEqual({ valid: false, expired: false });
    expect(v.verify(token()).valid).toBe(true);
  });

  it('says when a token has expired, also one it had accepted before', () => {
    jest.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z') });
    const v = verifier();
    const t = token({}, { expiresIn: 30 });
    expect(v.verify(t).valid).toBe(true);
    jest.setSystemTime(new Date('2026-11-25T10:00:29Z'));
    expect(v.verify(t).valid).toBe(true);
    jest.setSystemTime(new Date('2026-11-25T10:00:30Z'));
    expect(v.verify(t)).toEqual({ valid: false, expired: true });
    expect(verifier().verify(t)).toEqual({ valid: false, expired: true });
  });
});
