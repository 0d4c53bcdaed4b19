import { redactUrl } from './access-log';

describe('redactUrl', () => {
  it.each([
    ['/set-password?token=abc', '/set-password?token=[redacted]'],
    ['/admin/queues?ticket=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', '/admin/queues?ticket=[redacted]'],
    ['/unsubscribe?lang=en&token=a&token=b', '/unsubscribe?lang=en&token=[redacted]&token=[redacted]'],
    [
      '/x?%74oken=abc&Access_Token=def&api_key=1&password=2',
      '/x?%74oken=[redacted]&Access_Token=[redacted]&api_key=[redacted]&password=[redacted]',
    ],
    ['/x?token[]=abc', '/x?token[]=[redacted]'],
    ['/x?q=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln&limit=5', '/x?q=[redacted]&limit=5'],
    ['/x/0b9d8c7e-1111-4222-8333-944445555666.abcdefghijABCDEFGHIJ0123456789_-abcdefghijk', '/x/[redacted]'],
    // A calendar feed's secret URL (issue 18): the token has the same `<id>.<mac>` shape.
    [
      '/api/v1/calendar/AbCdEfGhIjKlMnOpQrStUv.0123456789abcdefghijklmnopqrstuvwxyzABCDEFG.ics?alarm=30',
      '/api/v1/calendar/[redacted].ics?alarm=30',
    ],
    ['/api/v1/courses?limit=5&cursor=abc', '/api/v1/courses?limit=5&cursor=abc'],
    ['/x?%E0%A4%A=1&token', '/x?%E0%A4%A=1&token'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    'code',
    'key',
    'sig',
    'session',
    'auth',
    'secret',
    'ticket',
    'otp',
    'Token',
    'access_token',
    'refreshToken',
    'id-token',
    'x-csrf-token',
    'X-Amz-Signature',
    'X-Amz-Security-Token',
    'X-Amz-Credential',
    'client_secret',
    'newPassword',
    'api_key',
    'x-api-key',
    'apiKey',
    'secretKey',
    'auth_code',
    'session_id',
    'sessionId',
    'token[]',
    'user[password]',
  ])('redacts the value of a parameter named %s', (name) => {
    expect(redactUrl(`/x?${name}=v4lue&limit=5`)).toBe(`/x?${name}=[redacted]&limit=5`);
  });

  it.each([
    'author',
    'courseCode',
    'sortKey',
    'keyword',
    'sessions',
    'tokenizer',
    'codeName',
    'passage',
    'signatureCount',
    'monkey',
    'q',
    'cursor',
  ])('keeps the value of a harmless parameter named %s', (name) => {
    expect(redactUrl(`/x?${name}=v4lue`)).toBe(`/x?${name}=v4lue`);
  });
});
