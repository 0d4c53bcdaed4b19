import Fastify from 'fastify';
import type Redis from 'ioredis';
import { registerRateLimit } from './rate-limit';

/** Redis as the limiter uses it: a shared counter per key (INCRBY) with a time to live. */
function fakeRedis() {
  const counts = new Map<string, number>();
  const rateWindow = jest.fn(async (key: string, _windowMs: number, added: number): Promise<[number, number]> => {
    counts.set(key, (counts.get(key) ?? 0) + added);
    return [counts.get(key)!, 60_000];
  });
  const redis = {
    rateWindow,
    defineCommand: () => undefined,
    pipeline: () => {
      const queued: Array<Promise<[number, number]>> = [];
      return {
        rateWindow: (key: string, windowMs: number, added: number) => queued.push(rateWindow(key, windowMs, added)),
        exec: async () => (await Promise.all(queued)).map((answer) => [null, answer]),
      };
    },
  };
  return { redis: redis as unknown as Redis, counts, rateWindow };
}

async function limitedApp(redis: Redis, maxWindows: number) {
  const app = Fastify();
  registerRateLimit(app, redis, {
    perUser: 5,
    perIp: 5,
    windowMs: 60_000,
    syncMs: 60_000,
    skip: () => false,
    userKey: () => null,
    maxWindows,
  });
  app.get('/', async () => 'ok');
  await app.ready();
  return app;
}

describe('registerRateLimit', () => {
  it('keeps at most maxWindows callers in memory, sending an evicted caller’s counts on to Redis, which still limits it', async () => {
    const { redis, counts, rateWindow } = fakeRedis();
    const app = await limitedApp(redis, 3);
    const from = (ip: string) => app.inject({ method: 'GET', url: '/', remoteAddress: ip });
    try {
      for (let i = 0; i < 4; i++) expect((await from('10.0.0.1')).statusCode).toBe(200); // 1 asked of Redis, 3 counted locally
      expect(counts.get('rate:ip:10.0.0.1')).toBe(1);
      for (const ip of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) await from(ip); // the fourth caller evicts the first
      expect(rateWindow).toHaveBeenCalledWith('rate:ip:10.0.0.1', expect.any(Number), 3);
      expect(counts.get('rate:ip:10.0.0.1')).toBe(4);
      // Back again: its new local window starts from Redis's count (4 + 1), then the limit holds.
      const again = await from('10.0.0.1');
      expect(again.statusCode).toBe(200);
      expect(again.headers['ratelimit-remaining']).toBe('0');
      expect((await from('10.0.0.1')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});
