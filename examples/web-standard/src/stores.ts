import {
  MemorySessionRevocationStore,
  MemoryTransactionStore,
  type SessionRevocationStore,
  type TransactionStore,
} from 'neverlose-oidc';
import { PostgresSessionRevocationStore, PostgresTransactionStore } from 'neverlose-postgres/oidc';
import { connectRedis } from 'neverlose-redis';
import { RedisSessionRevocationStore, RedisTransactionStore } from 'neverlose-redis/oidc';
import { createClient, createCluster } from 'redis';
import { openPostgres } from './postgres.js';

/** The values of {@link LoginStore}, as `LOGIN_STORE` takes them. */
export const LOGIN_STORES = ['cookie', 'memory', 'redis', 'postgres'] as const;

/**
 * Where a login waits for its callback: `'cookie'`, sealed in the login cookie (nothing on the
 * server, any instance completes it); `'memory'`, a `MemoryTransactionStore` (one instance);
 * `'redis'`, a `RedisTransactionStore` on the `REDIS_URL` server, or `'postgres'`, a
 * `PostgresTransactionStore` on the `DATABASE_URL` one (several instances).
 */
export type LoginStore = (typeof LOGIN_STORES)[number];

/** True for a {@link LoginStore}. */
export function isLoginStore(value: unknown): value is LoginStore {
  return (LOGIN_STORES as readonly unknown[]).includes(value);
}

/** Options of {@link openStores}: what the entry read from its environment. */
export interface StoresOptions {
  /** `DATABASE_URL`: `postgres://user:password@host:5432/db`. Takes precedence over `redisUrl` for sign-outs. */
  readonly databaseUrl: string | undefined;
  /** `REDIS_URL`: `redis://host:6379`, or a Redis Cluster as `redis+cluster://host1:6379,host2:6379`. */
  readonly redisUrl: string | undefined;
  readonly loginStore: LoginStore;
  /** Where the Redis client's and the PostgreSQL pool's errors go (both reconnect by themselves). */
  readonly onError: (error: unknown) => void;
}

/** The stores the app keeps its state in, and how to let go of them. */
export interface Stores {
  readonly sessionRevocations: SessionRevocationStore;
  /** `undefined` for logins sealed in their cookie. */
  readonly transactionStore: TransactionStore | undefined;
  /** What the start-up line says of them. */
  readonly description: string;
  /** Closes the PostgreSQL pool and the Redis connection, if any. */
  close(): Promise<void>;
}

/** Logins in flight a store keeps at most: anyone can start one, so the store is bounded. */
const MAX_PENDING_LOGINS = 100_000;
/** Keys of this app in a Redis it may share with others. */
const PREFIX = 'neverlose-example:';
/**
 * A request waits this long at most on PostgreSQL or Redis, then is answered 503 with `Retry-After` (a sign-out
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

/** Where the sign-outs and, with a shared {@link LoginStore}, the logins in flight are kept. */
function describe(revocationsIn: string, loginStore: LoginStore): string {
  const logins =
    loginStore === 'postgres'
      ? ', logins in flight in PostgreSQL'
      : loginStore === 'redis'
        ? ', logins in flight in Redis'
        : loginStore === 'memory'
          ? "; logins in flight in this process's memory: one instance only"
          : '';
  return `sign-outs in ${revocationsIn}${logins}`;
}

/**
 * The shared stores: sign-outs in PostgreSQL when `databaseUrl` is set, else in Redis when
 * `redisUrl` is, so that every instance refuses a session signed out on any of them; logins in
 * flight where `loginStore` says (`'postgres'` and `'redis'` complete a login started on any
 * instance). Redis is opened only when it holds something. Without either URL, the memory stores,
 * which serve one instance only.
 */
export async function openStores({
  databaseUrl,
  redisUrl,
  loginStore,
  onError,
}: StoresOptions): Promise<Stores> {
  if (loginStore === 'redis' && redisUrl === undefined) {
    throw new Error('Invalid LOGIN_STORE "redis": it needs REDIS_URL.');
  }
  if (loginStore === 'postgres' && databaseUrl === undefined) {
    throw new Error('Invalid LOGIN_STORE "postgres": it needs DATABASE_URL.');
  }
  if (databaseUrl === undefined && redisUrl === undefined) {
    return {
      sessionRevocations: new MemorySessionRevocationStore(),
      transactionStore:
        loginStore === 'memory'
          ? new MemoryTransactionStore({ maxEntries: MAX_PENDING_LOGINS })
          : undefined,
      description: `sign-outs${loginStore === 'memory' ? ' and logins in flight' : ''} in this process's memory: one instance only (set DATABASE_URL or REDIS_URL for several)`,
      close: async () => {},
    };
  }
  const pool =
    databaseUrl === undefined
      ? undefined
      : await openPostgres(databaseUrl, 'neverlose-example-web-standard', onError);
  // Start-up fails within the deadline, in one error naming the last attempt, rather than hang;
  // once connected, the client's errors go to onError (it reconnects by itself meanwhile).
  const redis =
    redisUrl === undefined || (pool !== undefined && loginStore !== 'redis')
      ? undefined
      : await connectRedis(redisClient(redisUrl), {
          timeoutMs: CONNECT_TIMEOUT_MS,
          onError,
        }).catch(async (error: unknown) => {
          await pool?.end().catch(() => undefined);
          throw new Error(`REDIS_URL: ${(error as Error).message}`, { cause: error });
        });
  const postgresOptions = { timeoutMs: STORE_TIMEOUT_MS };
  const redisOptions = { prefix: PREFIX, timeoutMs: STORE_TIMEOUT_MS };
  const bounded = { maxEntries: MAX_PENDING_LOGINS };
  const transactionStore =
    loginStore === 'postgres'
      ? new PostgresTransactionStore(pool!, { ...postgresOptions, ...bounded })
      : loginStore === 'redis'
        ? new RedisTransactionStore(redis!, { ...redisOptions, ...bounded })
        : loginStore === 'memory'
          ? new MemoryTransactionStore(bounded)
          : undefined;
  return {
    sessionRevocations:
      pool === undefined
        ? new RedisSessionRevocationStore(redis!, redisOptions)
        : new PostgresSessionRevocationStore(pool, postgresOptions),
    transactionStore,
    description: describe(pool === undefined ? 'Redis' : 'PostgreSQL', loginStore),
    close: async () => {
      await Promise.all([redis?.close(), pool?.end()]);
    },
  };
}
