import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { TooManyRequests } from '../../common/errors';
import { keyHash, WINDOW_COUNT_LUA } from '../auth/window-counter';
import { REDIS } from '../redis/redis.module';

/** Feed requests per user within the window: calendar apps poll every 15 minutes to a few hours. */
export const FEED_MAX_PER_WINDOW = 60;
export const FEED_WINDOW_MS = 60 * 60_000;

const REQUEST = `${WINDOW_COUNT_LUA}
local n, ttl = count(KEYS[1], ARGV[1])
if n > tonumber(ARGV[2]) then return ttl end
return 0`;

type ThrottleRedis = Redis & { calendarFeedRequest(key: string, windowMs: number, max: number): Promise<number> };

/**
 * Limits fetches of one user's feed (shared by every API process through Redis), so a leaked URL
 * or a misconfigured client cannot make the feed a load generator. Unknown tokens are limited by
 * the global per-address limit. While Redis is down the feed is served (it only reads).
 */
@Injectable()
export class CalendarThrottle {
  private readonly redis: ThrottleRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    this.redis = redis as ThrottleRedis;
    if (!this.redis.calendarFeedRequest) this.redis.defineCommand('calendarFeedRequest', { numberOfKeys: 1, lua: REQUEST });
  }

  async assertAllowed(userId: string): Promise<void> {
    const blockedFor = await this.redis
      .calendarFeedRequest(`calendar-feed:${keyHash(userId)}`, FEED_WINDOW_MS, FEED_MAX_PER_WINDOW)
      .catch(() => 0);
    if (blockedFor > 0) throw new TooManyRequests('This calendar feed is fetched too often; try again later', blockedFor / 1000);
  }
}
