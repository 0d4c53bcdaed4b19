import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { TooManyRequests } from '../../common/errors';
import { orUnavailable } from '../../common/unavailable';
import { REDIS } from '../redis/redis.module';
import { keyHash, WINDOW_COUNT_LUA } from './window-counter';

const hash = keyHash;

/** The four keys of one sign-in attempt; emails and addresses appear only hashed. */
const keysFor = (email: string, ip: string) => [
  `login-fail:pair:${hash(email, ip)}`,
  `login-fail:ip:${hash(ip)}`,
  `login-fail:acct:${hash(email)}`,
  `login-ok:${hash(email, ip)}`,
];

/**
 * Counts one attempt and answers how long it is refused (ms; 0 = go ahead). The counters are
 * checked in order and an attempt refused by one is not added to the next, so an address that
 * is already refused cannot go on to use up the account's budget. The account budget does not
 * bind an address this account has signed in from before (KEYS[4]).
 * KEYS: account+address, address, account, known address. ARGV: window ms, account window ms,
 * account+address limit, address limit, account limit.
 */
const ATTEMPT = `${WINDOW_COUNT_LUA}
local n, ttl = count(KEYS[1], ARGV[1])
if n > tonumber(ARGV[3]) then return ttl end
n, ttl = count(KEYS[2], ARGV[1])
if n > tonumber(ARGV[4]) then return ttl end
n, ttl = count(KEYS[3], ARGV[2])
if n > tonumber(ARGV[5]) and redis.call('EXISTS', KEYS[4]) == 0 then return ttl end
return 0`;

/**
 * A success clears the account+address count, gives back the attempt it used on the address and
 * account counters (DECR only what still exists: a key recreated without expiry would live for
 * ever) and remembers the address. ARGV: how long the address is remembered (ms).
 */
const SUCCESS = `
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[1])
return 1`;

type ThrottleRedis = Redis & {
  loginAttempt(...args: Array<string | number>): Promise<number>;
  loginSuccess(...args: Array<string | number>): Promise<number>;
};

/**
 * Throttles password guessing in Redis (shared by every API process) without letting a guesser
 * lock the owner out: failures are limited per account and address (LOGIN_MAX_FAILURES), per
 * address (LOGIN_IP_MAX_FAILURES), and per account from all addresses together
 * (LOGIN_ACCOUNT_MAX_FAILURES over the longer LOGIN_ACCOUNT_WINDOW_SECONDS, more than one address
 * can reach on its own). Past a limit, 429 with Retry-After. Sign-in and the current-password
 * check of a password change (PATCH /me) share these counters.
 */
@Injectable()
export class LoginThrottle {
  private readonly redis: ThrottleRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis = redis as ThrottleRedis;
    if (!this.redis.loginAttempt) {
      this.redis.defineCommand('loginAttempt', { numberOfKeys: 4, lua: ATTEMPT });
      this.redis.defineCommand('loginSuccess', { numberOfKeys: 4, lua: SUCCESS });
    }
  }

  /**
   * Counts the attempt first (atomically, one round trip), then refuses past a limit, so a burst
   * of parallel guesses cannot all pass the check before any failure is recorded.
   */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const { loginMaxFailures, loginIpMaxFailures, loginWindowSeconds, loginAccountMaxFailures, loginAccountWindowSeconds } =
      this.config.auth;
    // Without Redis the throttle cannot count: refuse (503) rather than allow unlimited guessing.
    const blockedFor = await orUnavailable(
      this.redis.loginAttempt(
        ...keysFor(email, ip),
        loginWindowSeconds * 1000,
        loginAccountWindowSeconds * 1000,
        loginMaxFailures,
        loginIpMaxFailures,
        loginAccountMaxFailures,
      ),
      'Password checks (sign-in, password change) are temporarily unavailable; try again shortly',
    );
    if (blockedFor > 0)
      throw new TooManyRequests('Too many wrong passwords for this account or from this address; try again later', blockedFor / 1000);
  }

  /** The person at this address knows the password: their earlier typos no longer count against them there. */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.loginSuccess(...keysFor(email, ip), this.config.auth.refreshTtlDays * 86_400_000).catch(() => undefined);
  }
}
