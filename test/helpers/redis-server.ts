import type { ChildProcess } from 'child_process';
import { spawn, spawnSync } from 'child_process';

/** The redis-server binary (npm test passes the one scripts/lib/services.js found), or '' when it is not installed. */
export const redisServer =
  process.env.ACCORD_REDIS_SERVER || spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();

/** A private, empty redis-server on `port` that keeps nothing on disk (the machine's is shared by every suite). */
export async function startRedis(port: number): Promise<ChildProcess> {
  if (!redisServer) throw new Error('redis-server must be on PATH for this test (Debian: apt-get install redis-server)');
  const child = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const { default: Redis } = await import('ioredis');
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const ok = await probe.connect().then(
      () => probe.ping(),
      () => null,
    );
    probe.disconnect();
    if (ok === 'PONG') return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('private redis-server did not start');
}

/** Kills it (SIGKILL: whatever it held is gone). */
export const stopRedis = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGKILL'))));
