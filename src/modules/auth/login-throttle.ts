import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis from 'ioredis';
import { createHash } from 'crypto';
import { appConfig } from '../../config/env';
import { DomainError, TooManyRequests } from '../../common/errors';
import { REDIS } from '../redis/redis.module';

const key = (kind: 'acct' | 'ip', value: string) => `login-fail:${kind}:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;

/**
 * Counts failed logins per account and per IP in Redis (shared by every API process).
 * Past the limit, logins answer 429 with Retry-After until the window passes.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginIpMaxFailures } = this.config.auth;
    const acct = key('acct', email);
    const addr = key('ip', ip);
    const [[, a], [, aTtl], [, i], [, iTtl]] = (await this.guard(this.redis.multi().get(acct).pttl(acct).get(addr).pttl(addr).exec())) as Array<
      [unknown, string | number | null]
    >;
    const blockedFor = Math.max(
      Number(a ?? 0) >= loginMaxFailures ? Number(aTtl) : 0,
      Number(i ?? 0) >= loginIpMaxFailures ? Number(iTtl) : 0,
    );
    if (blockedFor > 0) throw new TooManyRequests('Too many failed sign-in attempts; try again later', blockedFor / 1000);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.config.auth.loginWindowSeconds;
    const multi = this.redis.multi();
    for (const k of [key('acct', email), key('ip', ip)]) multi.incr(k).expire(k, window, 'NX');
    await this.guard(multi.exec());
  }

  /** Without Redis the throttle cannot count: refuse sign-in (503) rather than allow unlimited guessing. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch {
      throw new DomainError(503, 'unavailable', 'Sign-in is temporarily unavailable; try again shortly', undefined, { 'Retry-After': '5' });
    }
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(key('acct', email)).catch(() => undefined);
  }
}
