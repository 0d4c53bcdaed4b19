import type Redis from 'ioredis';
import { loadConfig } from '../../config/env';
import { DomainError } from '../../common/errors';
import { LoginThrottle } from './login-throttle';

const config = loadConfig({
  DATABASE_URL: 'postgres://u@localhost/a',
  REDIS_URL: 'redis://localhost',
  SMTP_URL: 'smtp://localhost',
  JWT_SECRET: 'x'.repeat(32),
});

/** A stand-in for the script commands the throttle defines on the shared client. */
function throttleWith(loginAttempt: (...args: unknown[]) => Promise<number>) {
  const redis = { loginAttempt: jest.fn(loginAttempt), loginSuccess: jest.fn(async () => 1), defineCommand: jest.fn() };
  return { throttle: new LoginThrottle(redis as unknown as Redis, config), redis };
}

describe('LoginThrottle', () => {
  it('refuses sign-in with 503 and Retry-After while Redis cannot count', async () => {
    const { throttle } = throttleWith(async () => {
      throw new Error('Connection is closed.');
    });
    const error = await throttle.assertAllowed('a@b.c', '10.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
  });

  it('answers 429 with the time left, and hands the script the configured limits with hashed keys', async () => {
    const { throttle, redis } = throttleWith(async () => 42_500);
    await expect(throttle.assertAllowed('owner@b.c', '10.0.0.1')).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '43' } });
    const args = redis.loginAttempt.mock.calls[0];
    expect(args.slice(4)).toEqual([60_000, 900_000, 5, 20, 100]);
    expect(JSON.stringify(args.slice(0, 4))).not.toMatch(/owner|10\.0\.0\.1/);
  });

  it('lets an attempt through when the script answers 0', async () => {
    const { throttle } = throttleWith(async () => 0);
    await expect(throttle.assertAllowed('a@b.c', '10.0.0.1')).resolves.toBeUndefined();
  });
});
