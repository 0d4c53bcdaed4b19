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

  /**
   * Counts the attempt first, then refuses past the limit, so a burst of parallel guesses cannot
   * all pass the check before any failure is recorded. A success clears the account's count and
   * gives the address its attempt back.
   */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginIpMaxFailures, loginWindowSeconds } = this.config.auth;
    const acct = key('acct', email);
    const addr = key('ip', ip);
    const result = (await this.guard(
      this.redis.multi().incr(acct).expire(acct, loginWindowSeconds, 'NX').pttl(acct).incr(addr).expire(addr, loginWindowSeconds, 'NX').pttl(addr).exec(),
    )) as Array<[unknown, number]>;
    const [a, aTtl, i, iTtl] = [result[0][1], result[2][1], result[3][1], result[5][1]];
    const blockedFor = Math.max(a > loginMaxFailures ? aTtl : 0, i > loginIpMaxFailures ? iTtl : 0);
    if (blockedFor > 0) throw new TooManyRequests('Too many failed sign-in attempts; try again later', blockedFor / 1000);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.multi().del(key('acct', email)).decr(key('ip', ip)).exec().catch(() => undefined);
  }

  /** Without Redis the throttle cannot count: refuse sign-in (503) rather than allow unlimited guessing. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch {
      throw new DomainError(503, 'unavailable', 'Sign-in is temporarily unavailable; try again shortly', undefined, { 'Retry-After': '5' });
    }
  }

}
