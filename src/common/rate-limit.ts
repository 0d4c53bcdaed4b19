import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { TooManyRequests } from './errors';
import { sendProblem } from './problem.filter';

// Adds this process's new requests to the shared window (created with the given expiry on first
// use) and answers the shared count and the time left: one round trip per key and sync.
const SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

type RateLimitRedis = Redis & { rateWindow(key: string, windowMs: number, added: number): Promise<[number, number]> };

export interface RateLimitOptions {
  /** Requests per window for a signed-in user (over all their tokens) and for anonymous callers (per IP). */
  perUser: number;
  perIp: number;
  windowMs: number;
  /** How often local counts are added to the shared ones. */
  syncMs: number;
  /** Requests that are never limited (health probes), judged by the route Fastify matched, never by the URL's text. */
  skip: (request: FastifyRequest) => boolean;
  /**
   * The user a genuine bearer token belongs to, or null for a made-up one: a made-up token must
   * not buy a fresh budget, so it counts against the caller's IP. Keyed by user, not by token, so
   * signing in again does not buy one either.
   */
  userKey: (token: string) => string | null;
  /** Most windows kept in the process (default 100,000); see `remember`. */
  maxWindows?: number;
}

interface Window {
  /** When the window ends (epoch ms). */
  end: number;
  /** The shared count as Redis last answered, plus what this process counted since. */
  shared: number;
  unsynced: number;
  /** A sync of this key is in flight. */
  syncing: boolean;
}

/**
 * A global fixed-window limit shared by every API process through Redis: per user when a genuine
 * access token is sent, else per client IP. Answers carry RateLimit-Limit/Remaining/Reset; past the limit,
 * 429 with Retry-After.
 *
 * Counting is local-first: the first request of a window asks Redis for the shared count; later
 * ones are counted in the process and added to Redis in one pipeline every `syncMs`, so the hot
 * path costs no round trip. Within one process the limit is exact; across processes a caller can
 * get past it by what each process serves it within one sync interval. While Redis is down each
 * process enforces the limit on its own counts (and adds them once Redis is back).
 */
export function registerRateLimit(fastify: FastifyInstance, redis: Redis, options: RateLimitOptions): void {
  const client = redis as RateLimitRedis;
  if (!client.rateWindow) client.defineCommand('rateWindow', { numberOfKeys: 1, lua: SCRIPT });
  const windows = new Map<string, Window>();
  const maxWindows = options.maxWindows ?? 100_000;

  /**
   * Keeps a new window, first making room when a flood of distinct callers (IPs) fills the map:
   * the oldest windows go, their unsynced counts sent on to Redis first. Nothing is lost by that:
   * an evicted caller's next request opens a window locally, which asks Redis for the shared count.
   */
  const remember = (key: string, window: Window): void => {
    for (const [oldKey, old] of windows) {
      if (windows.size < maxWindows) break;
      if (old.syncing) continue;
      windows.delete(oldKey);
      if (old.unsynced > 0 && old.end > Date.now())
        void client.rateWindow(`rate:${oldKey}`, Math.max(1, old.end - Date.now()), old.unsynced).catch(() => undefined);
    }
    windows.set(key, window);
  };

  const begin = (window: Window): number => {
    const added = window.unsynced;
    window.syncing = true;
    window.unsynced = 0;
    return added;
  };
  const settle = (window: Window, added: number, answer: [number, number] | null): void => {
    window.syncing = false;
    if (!answer) {
      window.unsynced += added; // Redis unavailable: keep counting locally, and add these next time.
      return;
    }
    const [count, ttl] = answer;
    window.shared = count + window.unsynced;
    if (ttl > 0) window.end = Date.now() + ttl;
  };

  /** Adds every key's new requests to Redis in one pipeline and drops ended windows. */
  const syncAll = async (): Promise<void> => {
    const now = Date.now();
    const due: Array<[Window, number]> = [];
    const pipeline = client.pipeline() as ReturnType<Redis['pipeline']> & {
      rateWindow(key: string, windowMs: number, added: number): unknown;
    };
    for (const [key, window] of windows) {
      if (window.end <= now && !window.syncing) windows.delete(key);
      else if (!window.syncing && window.unsynced > 0) {
        const added = begin(window);
        // Counts arriving after the shared window ended start a new one only for what is left of this one.
        pipeline.rateWindow(`rate:${key}`, Math.max(1, window.end - now), added);
        due.push([window, added]);
      }
    }
    if (!due.length) return;
    const answers = await pipeline.exec().catch(() => null);
    due.forEach(([window, added], i) => {
      const [error, answer] = answers?.[i] ?? [new Error('no answer'), null];
      settle(window, added, error ? null : (answer as [number, number]));
    });
  };

  const timer = setInterval(() => void syncAll(), options.syncMs);
  timer.unref();
  fastify.addHook('onClose', async () => clearInterval(timer));

  fastify.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (options.skip(request)) return;
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const userKey = presented ? options.userKey(presented) : null;
    const limit = userKey ? options.perUser : options.perIp;
    const key = userKey ? `u:${userKey}` : `ip:${request.ip}`;
    const now = Date.now();
    let window = windows.get(key);
    if (!window || window.end <= now) {
      window = { end: now + options.windowMs, shared: 0, unsynced: 0, syncing: false };
      windows.delete(key); // an ended window is replaced at the back of the eviction order
      remember(key, window);
      window.unsynced++;
      window.shared++;
      // A new window: learn what the other processes have counted before deciding.
      const added = begin(window);
      settle(window, added, await client.rateWindow(`rate:${key}`, options.windowMs, added).catch(() => null));
    } else {
      window.unsynced++;
      window.shared++;
    }
    const count = window.shared;
    const resetSeconds = Math.max(1, Math.ceil((window.end - now) / 1000));
    void reply.header('RateLimit-Limit', String(limit));
    void reply.header('RateLimit-Remaining', String(Math.max(0, limit - count)));
    void reply.header('RateLimit-Reset', String(resetSeconds));
    if (count > limit) {
      sendProblem(new TooManyRequests('Too many requests; slow down and retry after the given time', resetSeconds), request, reply);
      return reply;
    }
  });
}
