import type { ChildProcess } from 'child_process';
import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Redis from 'ioredis';
import { freePort } from './ports';
import { redisServer, stopRedis } from './redis-server';

/** redis-cli (npm test passes the one scripts/lib/services.js found), or '' when it is not installed. */
export const redisCli = process.env.ACCORD_REDIS_CLI || spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' }).stdout.trim();

export interface RedisCluster {
  /** `host:port,host:port,…` as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  const ok = await probe.connect().then(
    () => probe.ping(),
    () => null,
  );
  probe.disconnect();
  return ok === 'PONG';
}

async function clusterState(port: number): Promise<string> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  try {
    await probe.connect();
    const info = (await probe.call('CLUSTER', 'INFO')) as string;
    return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'down';
  } finally {
    probe.disconnect();
  }
}

/**
 * A private Redis Cluster of `masters` masters and no replicas on free ports, in a temporary
 * directory that is removed on stop (nothing kept on disk between runs).
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  if (!redisServer || !redisCli) {
    throw new Error(
      'redis-server and redis-cli must be on PATH for the Redis Cluster test (Debian: apt-get install redis-server redis-tools)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'accord-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopRedis));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The bus port is chosen too: the default (port + 10000) may be taken or above 65535.
      const [port, bus] = [await freePort(), await freePort()];
      ports.push(port);
      const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--dir', dir];
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000');
      args.push('--save', '', '--appendonly', 'no');
      children.push(spawn(redisServer, args, { stdio: 'ignore' }));
    }
    for (const port of ports) {
      for (let i = 0; !(await answers(port)); i++) {
        if (i > 100) throw new Error(`cluster node on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const created = spawnSync(
      redisCli,
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const deadline = Date.now() + 20_000;
    while ((await Promise.all(ports.map(clusterState))).some((s) => s !== 'ok')) {
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
