import type { ConnectionOptions } from 'bullmq';
import { createIORedisClient, RedisConnection } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import Redis, { Cluster } from 'ioredis';

/** Where Redis is: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES, credentials and TLS from REDIS_URL). */
export interface RedisSettings {
  url: string | null;
  prefix: string;
  clusterNodes: ReadonlyArray<{ host: string; port: number }> | null;
}

/** The client type the app injects: ioredis' single-server client or its Cluster client (same commands). */
export type RedisClient = Redis | Cluster;

/**
 * The first part of every key Accord writes: `{<REDIS_PREFIX>}`. The braces make it the hash tag, so
 * on a Redis Cluster every key of a BullMQ queue, and every key a multi-key Lua script touches,
 * lands in one slot (Cluster refuses a script or MULTI across slots).
 */
export const keyspace = (prefix: string): string => `{${prefix}}`;

/** The username, password and TLS of REDIS_URL, applied to each cluster node. */
function credentials(url: string | null): RedisOptions {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}

function cluster(settings: RedisSettings, options: RedisOptions): Cluster {
  const { keyPrefix, enableOfflineQueue, ...redisOptions } = options;
  return new Cluster([...settings.clusterNodes!], {
    ...(keyPrefix !== undefined && { keyPrefix }),
    ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
    redisOptions: { ...credentials(settings.url), ...redisOptions },
    slotsRefreshTimeout: 2_000,
  });
}

/** A client for the configured Redis, one server or a cluster, with these per-connection options. */
export function createRedisClient(settings: RedisSettings, options: RedisOptions): RedisClient {
  return settings.clusterNodes ? cluster(settings, options) : new Redis(settings.url!, options);
}

/**
 * A connection for SUBSCRIBE. On a cluster it is a plain connection to one of the configured nodes
 * (a PUBLISH reaches every node), so the caller's own reconnect and resubscribe logic applies as on
 * a single server.
 */
export function createSubscriberClient(settings: RedisSettings, options: RedisOptions): Redis {
  if (!settings.clusterNodes) return new Redis(settings.url!, options);
  const node = settings.clusterNodes[Math.floor(Math.random() * settings.clusterNodes.length)];
  return new Redis({ ...credentials(settings.url), ...options, host: node.host, port: node.port });
}

const CLUSTER_NODES = 'accordClusterNodes';
let clusterFactoryInstalled = false;

/**
 * BullMQ builds its connections (and their blocking duplicates) from options and closes them
 * itself; for a cluster it needs a Cluster client, so its client factory makes one when the
 * options carry the cluster's nodes, and builds every other connection as BullMQ would.
 */
function installClusterFactory(): void {
  if (clusterFactoryInstalled) return;
  clusterFactoryInstalled = true;
  const previous = RedisConnection.clientFactory;
  RedisConnection.clientFactory = (opts) => {
    const {
      [CLUSTER_NODES]: nodes,
      url,
      host,
      port,
      ...rest
    } = opts as RedisOptions & { url?: string; [CLUSTER_NODES]?: RedisSettings['clusterNodes'] };
    if (!nodes) {
      if (previous) return previous(opts);
      return createIORedisClient(url ? new Redis(url, rest) : new Redis({ host, port, ...rest }));
    }
    return createIORedisClient(new Cluster([...nodes], { redisOptions: rest, slotsRefreshTimeout: 2_000 }));
  };
}

/** How every BullMQ queue and worker reaches Redis: blocking commands need `maxRetriesPerRequest: null`; keys under `{<REDIS_PREFIX>}:bull`. */
export function bullConnection(settings: RedisSettings): { connection: ConnectionOptions; prefix: string } {
  const prefix = `${keyspace(settings.prefix)}:bull`;
  if (!settings.clusterNodes) return { connection: { url: settings.url!, maxRetriesPerRequest: null }, prefix };
  installClusterFactory();
  const connection = { [CLUSTER_NODES]: settings.clusterNodes, ...credentials(settings.url), maxRetriesPerRequest: null };
  return { connection: connection as ConnectionOptions, prefix };
}
