import { ConfigError, loadConfig } from './env';

const valid = {
  DATABASE_URL: 'postgres://u@localhost:5432/accord',
  REDIS_URL: 'redis://localhost:6379',
  SMTP_URL: 'smtp://localhost:1025',
  JWT_SECRET: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3000);
    expect(config.auth.accessTtlSeconds).toBe(900);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.http.trustProxy).toBe(false);
    expect(config.admin).toBeNull();
    expect(config.metrics.token).toBeNull();
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL', /required/],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', /redis or rediss/],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32/],
    [{ PORT: '70000' }, 'PORT', /between/],
    [{ ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_PASSWORD', /together/],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', /one of/],
    [{ SMTP_URL: 'not a url' }, 'SMTP_URL', /URL/],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN', /at least 32/],
  ])('rejects %p naming %s', (override, variable, message) => {
    try {
      loadConfig({ ...valid, ...override });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('lower-cases the bootstrap admin email', () => {
    expect(loadConfig({ ...valid, ADMIN_EMAIL: 'Boss@Example.org', ADMIN_PASSWORD: 'long-password' }).admin).toEqual({ email: 'boss@example.org', password: 'long-password' });
  });
});
