import { generateKeyPairSync } from 'crypto';
import { unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
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
    expect(config.auth).toMatchObject({
      loginMaxFailures: 5,
      loginIpMaxFailures: 20,
      loginWindowSeconds: 60,
      loginAccountMaxFailures: 100,
      loginAccountWindowSeconds: 900,
    });
    expect(config.reminders.watchdogIntervalMs).toBe(5_000);
    expect(config.metrics.token).toBeNull();
    expect(config.progress).toEqual({ writeWaitMs: 3_000, writeQueue: 8 });
  });

  it('checks the reminder schedulers as often as it dispatches unless told otherwise', () => {
    expect(loadConfig({ ...valid, REMINDER_DISPATCH_INTERVAL_MS: '500' }).reminders.watchdogIntervalMs).toBe(500);
    expect(
      loadConfig({ ...valid, REMINDER_DISPATCH_INTERVAL_MS: '500', REMINDER_WATCHDOG_INTERVAL_MS: '2000' }).reminders.watchdogIntervalMs,
    ).toBe(2_000);
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL', /required/],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', /redis or rediss/],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32/],
    [{ PORT: '70000' }, 'PORT', /between/],
    [{ ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_PASSWORD', /together/],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', /one of/],
    [{ SMTP_URL: 'not a url' }, 'SMTP_URL', /URL/],
    [{ LOGIN_ACCOUNT_MAX_FAILURES: '80' }, 'LOGIN_ACCOUNT_MAX_FAILURES', /more than 80/],
    [{ LOGIN_MAX_FAILURES: '10' }, 'LOGIN_ACCOUNT_MAX_FAILURES', /more than 160/],
    [{ LOGIN_WINDOW_SECONDS: '3600' }, 'LOGIN_ACCOUNT_WINDOW_SECONDS', /at least LOGIN_WINDOW_SECONDS \(3600\)/],
    [{ REMINDER_WATCHDOG_INTERVAL_MS: '50' }, 'REMINDER_WATCHDOG_INTERVAL_MS', /between/],
    [{ METRICS_TOKEN: 'too-short' }, 'METRICS_TOKEN', /at least 32/],
    [{ PROGRESS_WRITE_WAIT_MS: '0' }, 'PROGRESS_WRITE_WAIT_MS', /between 100/],
    [{ PROGRESS_WRITE_QUEUE: '-1' }, 'PROGRESS_WRITE_QUEUE', /between 0/],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2' }, 'REDIS_CLUSTER_NODES', /host:port, got "10.0.0.2"/],
    [{ REDIS_URL: undefined }, 'REDIS_URL', /required/],
    [{ REDIS_PREFIX: 'acc{ord}' }, 'REDIS_PREFIX', /only letters/],
    [{ DKIM_DOMAIN: 'accord.example' }, 'DKIM_SELECTOR', /with the other DKIM_ variables/],
    [{ DKIM_DOMAIN: 'accord.example', DKIM_SELECTOR: 's1' }, 'DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)', /all three/],
    [{ DKIM_PRIVATE_KEY_FILE: '/nonexistent/dkim.pem' }, 'DKIM_PRIVATE_KEY_FILE', /cannot read \/nonexistent\/dkim.pem \(ENOENT\)/],
    [{ DKIM_DOMAIN: 'accord.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'not-a-key-s3cr3t' }, 'DKIM_PRIVATE_KEY', /^((?!s3cr3t).)*$/],
    [{ DKIM_DOMAIN: 'not a domain', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'x' }, 'DKIM_DOMAIN', /domain name/],
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

  it('keeps raw events 180 days, reminder bodies 30 and rows 365, audit for ever, unless told otherwise', () => {
    expect(loadConfig(valid).retention).toEqual({
      progressEventDays: 180,
      reminderBodyDays: 30,
      reminderRowDays: 365,
      auditDays: 0,
      intervalMs: 3_600_000,
      batchSize: 5_000,
    });
    expect(loadConfig({ ...valid, PROGRESS_EVENT_RETENTION_DAYS: '90', AUDIT_RETENTION_DAYS: '730' }).retention).toMatchObject({
      progressEventDays: 90,
      auditDays: 730,
    });
    // Rows cannot go before their bodies.
    expect(() => loadConfig({ ...valid, REMINDER_BODY_RETENTION_DAYS: '60', REMINDER_ROW_RETENTION_DAYS: '30' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...valid, PROGRESS_EVENT_RETENTION_DAYS: '0' })).toThrow(ConfigError);
  });

  it('lower-cases the bootstrap admin email', () => {
    expect(loadConfig({ ...valid, ADMIN_EMAIL: 'Boss@Example.org', ADMIN_PASSWORD: 'long-password' }).admin).toEqual({
      email: 'boss@example.org',
      password: 'long-password',
    });
  });

  it('turns DKIM signing on with all three variables, a \\n-escaped key or a key file, and off with none', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(loadConfig(valid).mail.dkim).toBeNull();
    const inline = loadConfig({
      ...valid,
      DKIM_DOMAIN: 'accord.example',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    });
    expect(inline.mail.dkim).toMatchObject({ domain: 'accord.example', selector: 's1' });
    expect(inline.mail.dkim?.privateKey).toBe(pem);
    expect(JSON.stringify(inline)).not.toContain('PRIVATE KEY');
    const file = `${tmpdir()}/accord-dkim-${process.pid}.pem`;
    writeFileSync(file, pem);
    try {
      expect(
        loadConfig({ ...valid, DKIM_DOMAIN: 'accord.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: file }).mail.dkim?.privateKey,
      ).toBe(pem);
    } finally {
      unlinkSync(file);
    }
  });

  it('takes a Redis Cluster from REDIS_CLUSTER_NODES, with REDIS_URL optional then', () => {
    const { redis } = loadConfig({ ...valid, REDIS_URL: undefined, REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b:7001,[::1]:7002' });
    expect(redis).toEqual({
      url: null,
      prefix: 'accord',
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(loadConfig(valid).redis.clusterNodes).toBeNull();
  });
});
