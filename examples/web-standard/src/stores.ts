import {
  MemorySessionRevocationStore,
  MemoryTransactionStore,
  type SessionRevocationStore,
  type TransactionStore,
} from 'neverlose-oidc';
import { connectRedis } from 'neverlose-redis';
import { RedisSessionRevocationStore, RedisTransactionStore } from 'neverlose-redis/oidc';
import { createClient, createCluster } from 'redis';

/** The values of {@link LoginStore}, as `LOGIN_STORE` takes them. */
export const LOGIN_STORES = ['cookie', 'memory', 'redis'] as const;

/**
 * Where a login waits for its callback: `'cookie'`, sealed in the login cookie (nothing on the
 * server, any instance completes it); `'memory'`, a `MemoryTransactionStore` (one instance);
 * `'redis'`, a `RedisTransactionStore` on the `REDIS_URL` server (several instances).
 */
export type LoginStore = (typeof LOGIN_STORES)[number];

/** True for a {@link LoginStore}. */
export function isLoginStore(value: unknown): value is LoginStore {
  return (LOGIN_STORES as readonly unknown[]).includes(value);
}

/** Options of {@link openStores}: what the entry read from its environment. */
export interface StoresOptions {
  /** `REDIS_URL`: `redis://host:6379`, or a Redis Cluster as `redis+cluster://host1:6379,host2:6379`. */
  readonly redisUrl: string | undefined;
  readonly loginStore: LoginStore;
  /** Where the Redis client's errors go (it reconnects by itself meanwhile). */
  readonly onError: (error: unknown) => void;
}

/** The stores the app keeps its state in, and how to let go of them. */
export interface Stores {
  readonly sessionRevocations: SessionRevocationStore;
  /** `undefined` for logins sealed in their cookie. */
  readonly transactionStore: TransactionStore | undefined;
  /** What the start-up line says of them. */
  readonly description: string;
  /** Closes the Redis connection, if any. */
  close(): Promise<void>;
}

/** Logins in flight a store keeps at most: anyone can start one, so the store is bounded. */
const MAX_PENDING_LOGINS = 100_000;
/** Keys of this app in a Redis it may share with others. */
const PREFIX = 'neverlose-example:';
/**
 * A request waits this long at most on Redis, then is answered 503 with `Retry-After` (a sign-out
 * or a login that could not be recorded is never taken as done).
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
 * The shared stores in Redis when `redisUrl` is set, so that every instance refuses a session
 * signed out on any of them (and, with `loginStore: 'redis'`, completes a login started on any);
 * else the memory ones, which serve one instance only.
 */
export async function openStores({
  redisUrl,
  loginStore,
  onError,
}: StoresOptions): Promise<Stores> {
  if (redisUrl === undefined) {
    if (loginStore === 'redis') {
      throw new Error('Invalid LOGIN_STORE "redis": it needs REDIS_URL.');
    }
    return {
      sessionRevocations: new MemorySessionRevocationStore(),
      transactionStore:
        loginStore === 'memory'
          ? new MemoryTransactionStore({ maxEntries: MAX_PENDING_LOGINS })
          : undefined,
      description: `sign-outs${loginStore === 'memory' ? ' and logins in flight' : ''} in this process's memory: one instance only (set REDIS_URL for several)`,
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
  const options = { prefix: PREFIX, timeoutMs: STORE_TIMEOUT_MS };
  const transactionStore =
    loginStore === 'redis'
      ? new RedisTransactionStore(redis, { ...options, maxEntries: MAX_PENDING_LOGINS })
      : loginStore === 'memory'
        ? new MemoryTransactionStore({ maxEntries: MAX_PENDING_LOGINS })
        : undefined;
  return {
    sessionRevocations: new RedisSessionRevocationStore(redis, options),
    transactionStore,
    description: `sign-outs in Redis${loginStore === 'redis' ? ', logins in flight in Redis' : loginStore === 'memory' ? "; logins in flight in this process's memory: one instance only" : ''}`,
    close: async () => {
      await redis.close();
    },
  };
}
