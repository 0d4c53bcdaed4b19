import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'crypto';
import Redis from 'ioredis';
import { TooManyRequests } from './errors';
import { sendProblem } from './problem.filter';

// INCR with the window's expiry set on first use, and the remaining TTL: one round trip.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export interface RateLimitOptions {
  /** Requests per window for a bearer token (per token) and for anonymous callers (per IP). */
  perToken: number;
  perIp: number;
  windowMs: number;
  /** Paths that are never limited (health probes, metrics scrapes). */
  skip: (url: string) => boolean;
  /** Whether a bearer token is genuine: a made-up token must not buy a fresh budget. */
  isGenuine: (token: string) => boolean;
}

/**
 * A global fixed-window limit in Redis, shared by every API process: per access token when one is
 * sent, else per client IP. Answers carry RateLimit-Limit/Remaining/Reset; past the limit, 429
 * with Retry-After. If Redis is down the limit is not enforced (reads keep working).
 */
export function registerRateLimit(fastify: FastifyInstance, redis: Redis, options: RateLimitOptions): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (options.skip(request.url)) return;
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const bearer = presented && options.isGenuine(presented) ? presented : undefined;
    const limit = bearer ? options.perToken : options.perIp;
    const subject = bearer ? `t:${createHash('sha256').update(bearer).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
    let count: number;
    let ttl: number;
    try {
      [count, ttl] = (await redis.eval(SCRIPT, 1, `rate:${subject}`, String(options.windowMs))) as [number, number];
    } catch {
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil((ttl > 0 ? ttl : options.windowMs) / 1000));
    void reply.header('RateLimit-Limit', String(limit));
    void reply.header('RateLimit-Remaining', String(Math.max(0, limit - count)));
    void reply.header('RateLimit-Reset', String(resetSeconds));
    if (count > limit) {
      sendProblem(new TooManyRequests('Too many requests; slow down and retry after the given time', resetSeconds), request, reply);
      return reply;
    }
  });
}
