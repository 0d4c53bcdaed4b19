import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { createRedisClient, keyspace, RedisClient } from './redis-connection';

export const REDIS = Symbol('REDIS');

/** Closes the shared client when the app stops. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One ioredis client (single server or cluster) for request-path work (throttles, readiness); keys carry the hash-tagged prefix. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createRedisClient(config.redis, {
          keyPrefix: `${keyspace(config.redis.prefix)}:`,
          // Fail fast while Redis is down instead of queueing commands forever.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          // Connected but unresponsive must not hold requests (rate limit, announcements) either.
          commandTimeout: 1_000,
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        }),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
