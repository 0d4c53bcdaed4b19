import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { TooManyRequests } from '../../common/errors';
import { orUnavailable } from '../../common/unavailable';
import { REDIS } from '../redis/redis.module';
import { keyHash, WINDOW_COUNT_LUA } from './window-counter';

const hash = keyHash;

/**
 * Counts one request on the address, then on the email, and answers how long it is refused (ms;
 * 0 = go ahead). A request refused by the address is not added to the email's count, so one
 * address cannot use up the budget of every email it names. KEYS: address, email. ARGV: window
 * ms, address limit, email limit.
 */
const REQUEST = `${WINDOW_COUNT_LUA}
local n, ttl = count(KEYS[1], ARGV[1])
if n > tonumber(ARGV[2]) then return ttl end
n, ttl = count(KEYS[2], ARGV[1])
if n > tonumber(ARGV[3]) then return ttl end
return 0`;

type ThrottleRedis = Redis & { passwordResetRequest(...args: Array<string | number>): Promise<number> };

/**
 * Limits password-reset requests per email (PASSWORD_RESET_MAX_PER_EMAIL) and per client address
 * (PASSWORD_RESET_MAX_PER_IP) within PASSWORD_RESET_WINDOW_SECONDS, in Redis (shared by every API
 * process), so the endpoint cannot be used to flood someone's inbox. Emails and addresses appear only hashed.
 */
@Injectable()
export class PasswordResetThrottle {
  private readonly redis: ThrottleRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.redis = redis as ThrottleRedis;
    if (!this.redis.passwordResetRequest) this.redis.defineCommand('passwordResetRequest', { numberOfKeys: 2, lua: REQUEST });
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const { passwordResetWindowSeconds, passwordResetMaxPerIp, passwordResetMaxPerEmail } = this.config.auth;
    const blockedFor = await orUnavailable(
      this.redis.passwordResetRequest(
        `pw-reset:ip:${hash(ip)}`,
        `pw-reset:email:${hash(email)}`,
        passwordResetWindowSeconds * 1000,
        passwordResetMaxPerIp,
        passwordResetMaxPerEmail,
      ),
      'Password reset is temporarily unavailable; try again shortly',
    );
    if (blockedFor > 0)
      throw new TooManyRequests('Too many password-reset requests for this email or from this address; try again later', blockedFor / 1000);
  }
}
