import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { createSubscriberClient, RedisClient, RedisSettings } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';
import type { Role } from './role';

export interface Session {
  id: string;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  tokenVersion: number;
  /** The user's sign-in sessions revoked within an access token's lifetime: their tokens are refused. */
  revokedSessions: string[];
}

const MAX_ENTRIES = 50_000;

/**
 * What the access-token check reads on every request (is the user active, is the token's version
 * current, which role), kept per API process for AUTH_SESSION_CACHE_MS. A change to a user is
 * forgotten here after its transaction commits and announced on Redis to every other process,
 * so deactivation, role changes and password changes apply at once; the time limit only bounds
 * how long a lost announcement (Redis down) could leave an old answer in another process.
 */
@Injectable()
export class SessionCache implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionCache.name);
  private readonly entries = new Map<string, { session: Session; until: number }>();
  private readonly ttlMs: number;
  private readonly channel: string;
  private readonly redisSettings: RedisSettings;
  /** Bumped by every change: a read that started before a change must not store what it read. */
  private generation = 0;
  private subscriber: Redis | null = null;
  /** Entries are kept only while announcements are sure to arrive. */
  private listening = false;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {
    this.ttlMs = config.auth.sessionCacheMs;
    this.channel = `${config.redis.prefix}:sessions`;
    this.redisSettings = config.redis;
  }

  async get(id: string, load: (id: string) => Promise<Session | null>): Promise<Session | null> {
    if (this.ttlMs === 0) return load(id);
    this.subscribe();
    const hit = this.entries.get(id);
    const now = performance.now();
    if (hit && hit.until > now) return hit.session;
    const generation = this.generation;
    const session = await load(id);
    if (session && generation === this.generation && this.listening) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      // Spread over the last quarter of the time, so sessions cached together are not all re-read together.
      this.entries.set(id, { session, until: now + this.ttlMs * (0.75 + Math.random() / 4) });
    }
    return session;
  }

  /**
   * Call after the change has committed. Resolves once Redis has taken the announcement (or
   * refused it: then the other processes catch up within AUTH_SESSION_CACHE_MS), so the change is
   * on its way to every process before the caller answers.
   */
  async forget(ids: Iterable<string>): Promise<void> {
    const list = [...ids];
    if (!list.length) return;
    this.drop(list);
    if (this.ttlMs > 0) await this.redis.publish(this.channel, list.join(',')).catch(() => undefined);
  }

  private drop(ids: string[]): void {
    this.generation++;
    for (const id of ids) this.entries.delete(id);
  }

  private dropAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /**
   * Only processes that check tokens listen (the worker never does). After every (re)connection
   * the subscription is made anew and the cache starts empty once it is live: announcements made
   * while we were not listening are lost, and nothing is kept until we listen again.
   */
  private subscribe(): void {
    if (this.subscriber || this.closed) return;
    const subscriber = createSubscriberClient(this.redisSettings, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      autoResubscribe: false,
      lazyConnect: false,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.drop(message.split(',')));
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          this.dropAll();
          this.listening = true;
        },
        (error: Error) => this.logger.warn(`session announcements unavailable (sessions are re-read on every request): ${error.message}`),
      );
    });
    subscriber.on('close', () => {
      this.listening = false;
      this.dropAll();
    });
    subscriber.on('error', (error: Error) => this.logger.debug(`session announcements: ${error.message}`));
  }

  onApplicationShutdown(): void {
    // Nothing to flush on a subscriber connection; quit() would wait for a Redis that may be gone.
    this.closed = true;
    this.subscriber?.disconnect();
  }
}
