import { readCookie, serializeCookie } from './cookies';

describe('readCookie', () => {
  it('finds a cookie among others, with or without spaces', () => {
    expect(readCookie('a=1; accord_refresh=abc.def; b=2', 'accord_refresh')).toBe('abc.def');
    expect(readCookie('a=1;accord_refresh=x', 'accord_refresh')).toBe('x');
  });

  it('does not take a cookie whose name only ends or starts with the name', () => {
    expect(readCookie('xaccord_refresh=1; accord_refresh_old=2', 'accord_refresh')).toBeUndefined();
  });

  it('keeps "=" inside the value, unquotes and decodes it', () => {
    expect(readCookie('t=a=b=', 't')).toBe('a=b=');
    expect(readCookie('t="quoted"', 't')).toBe('quoted');
    expect(readCookie('t=a%20b', 't')).toBe('a b');
  });

  it('answers undefined for no header, no such cookie or a malformed escape', () => {
    expect(readCookie(undefined, 't')).toBeUndefined();
    expect(readCookie('', 't')).toBeUndefined();
    expect(readCookie('u=1; novalue', 't')).toBeUndefined();
    expect(readCookie('t=%E0%A4%A', 't')).toBeUndefined();
  });

  it('takes the first of two cookies with the same name', () => {
    expect(readCookie('t=first; t=second', 't')).toBe('first');
  });
});

describe('serializeCookie', () => {
  it('writes the attributes in a fixed order', () => {
    expect(serializeCookie('a', 'x.y', { path: '/api/v1/auth', maxAgeSeconds: 60, httpOnly: true, secure: true })).toBe(
      'a=x.y; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
    );
    expect(serializeCookie('b', '', { path: '/', maxAgeSeconds: 0 })).toBe('b=; Path=/; SameSite=Strict; Max-Age=0');
  });
});
