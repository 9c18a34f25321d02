import { MemorySessionRevocationStore, type SessionRevocationStore } from 'neverlose-oidc';
import { PostgresSessionRevocationStore } from 'neverlose-postgres/oidc';
import { connectRedis } from 'neverlose-redis';
import { RedisSessionRevocationStore } from 'neverlose-redis/oidc';
import { createClient, createCluster } from 'redis';
import { openPostgres } from './postgres.js';

/** Options of {@link openStores}: what the Node entry read from its environment. */
export interface StoresOptions {
  /** `DATABASE_URL`: `postgres://user:password@host:5432/db`. Takes precedence over `redisUrl`. */
  readonly databaseUrl: string | undefined;
  /** `REDIS_URL`: `redis://host:6379`, or a Redis Cluster as `redis+cluster://host1:6379,host2:6379`. */
  readonly redisUrl: string | undefined;
  /** Where the Redis client's and the PostgreSQL pool's errors go (both reconnect by themselves). */
  readonly onError: (error: unknown) => void;
}

/** The store the app keeps its sign-outs in (logins wait in sealed cookies), and how to let go of it. */
export interface Stores {
  readonly sessionRevocations: SessionRevocationStore;
  /** What the start-up line says of it. */
  readonly description: string;
  /** Closes the PostgreSQL pool or the Redis connection, if any. */
  close(): Promise<void>;
}

/** Keys of this app in a Redis it may share with others. */
const PREFIX = 'neverlose-example:';
/**
 * A request waits this long at most on PostgreSQL or Redis, then is answered 503 `ERR_SESSION_STORE` with
 * `Retry-After` (a session that could not be checked never opens).
 */
const STORE_TIMEOUT_MS = 2_000;
/** Start-up fails when Redis does not accept the connection within this time. */
const CONNECT_TIMEOUT_MS = 10_000;

const CLUSTER_SCHEME = 'redis+cluster://';

/** A node-redis client for `redis://…`, or a cluster client for `redis+cluster://node,node,…`. */
function redisClient(url: string) {
  if (!url.startsWith(CLUSTER_SCHEME)) return createClient({ url });
  const nodes = url.slice(CLUSTER_SCHEME.length).split(',');
  return createCluster({ rootNodes: nodes.map((node) => ({ url: `redis://${node}` })) });
}

/**
 * The revocations in PostgreSQL when `databaseUrl` is set (Redis is then not opened), else in
 * Redis when `redisUrl` is, so that every instance refuses a session signed out on any of them;
 * else in memory, which serves one instance only.
 */
export async function openStores({
  databaseUrl,
  redisUrl,
  onError,
}: StoresOptions): Promise<Stores> {
  if (databaseUrl !== undefined) {
    const pool = await openPostgres(databaseUrl, 'neverlose-example-hono', onError);
    return {
      sessionRevocations: new PostgresSessionRevocationStore(pool, { timeoutMs: STORE_TIMEOUT_MS }),
      description: 'sign-outs in PostgreSQL',
      close: () => pool.end(),
    };
  }
  if (redisUrl === undefined) {
    return {
      sessionRevocations: new MemorySessionRevocationStore(),
      description:
        "sign-outs in this process's memory: one instance only (set DATABASE_URL or REDIS_URL for several)",
      close: async () => {},
    };
  }
  // Start-up fails within the deadline, in one error naming the last attempt, rather than hang;
  // once connected, the client's errors go to onError (it reconnects by itself meanwhile).
  const redis = await connectRedis(redisClient(redisUrl), {
    timeoutMs: CONNECT_TIMEOUT_MS,
    onError,
  }).catch((error: unknown) => {
    throw new Error(`REDIS_URL: ${(error as Error).message}`, { cause: error });
  });
  return {
    sessionRevocations: new RedisSessionRevocationStore(redis, {
      prefix: PREFIX,
      timeoutMs: STORE_TIMEOUT_MS,
    }),
    description: 'sign-outs in Redis',
    close: async () => {
      await redis.close();
    },
  };
}
