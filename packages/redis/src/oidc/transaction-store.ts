import {
  type AuthorizationTransaction,
  NeverloseOidcError,
  type TransactionStore,
  transactionKey,
} from 'neverlose-oidc';
import type { RedisAdapterOptions, RedisClient } from '../client.js';
import { NeverloseRedisError } from '../errors.js';
import { positiveInteger } from '../options.js';
import { shardOf } from '../shard.js';
import { RedisStoreCore } from '../store-core.js';

/** Options of {@link RedisTransactionStore}. */
export interface RedisTransactionStoreOptions extends RedisAdapterOptions {
  /**
   * Most transactions kept at once (anyone can start a login, so the store must be bounded). The
   * bound is kept per shard: transactions are spread over up to 16 shards by their key, each
   * holding `floor(maxEntries / shards)`. A full shard drops its expired entries; if none has
   * expired, `set` refuses the new transaction (`ERR_TRANSACTION_STORE_FULL`) rather than evict a
   * pending one, so that whoever floods the store with logins cannot cancel other users' logins.
   * Size it above the logins started per transaction lifetime at peak.
   *
   * @defaultValue `100_000`
   * @example `500_000`
   */
  readonly maxEntries?: number;
}

/** Shards of the store: enough to spread logins over a cluster's masters, few enough to prune. */
const MAX_SHARDS = 16;

// KEYS: shard index, entry. ARGV: transaction key, json, ttl ms, now ms, shard capacity.
// Drops expired index members; when the shard still holds its capacity of other keys, stores
// nothing and returns 0 (a pending login is never evicted); else stores the entry with its TTL and
// returns 1. The same key set again replaces its entry.
const SET_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[3]), ARGV[1])
return 1`;

// KEYS: shard index, entry. ARGV: transaction key. Atomic take: a replayed callback finds nothing.
const TAKE_SCRIPT = `
local json = redis.call('GET', KEYS[2])
if json then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[1], ARGV[1])
return json`;

/**
 * A `neverlose-oidc` {@link TransactionStore} in Redis, so that a login started on one instance
 * completes on another. Transactions are kept under the SHA-256 of the browser binding
 * (`transactionKey` of neverlose-oidc), never under the binding itself nor the state: only the
 * browser that started a login finds it. `take` is atomic (one script: read and delete), entries expire with their
 * TTL, and the store is bounded by `maxEntries`: when a transaction's shard is full of unexpired
 * ones, `set` throws `neverlose-oidc`'s `ERR_TRANSACTION_STORE_FULL` (answer 503 with
 * `Retry-After`; passport-neverlose does), as `MemoryTransactionStore` does.
 *
 * On Redis Cluster, a transaction and its shard's index share a hash tag (`{oidc-tx:<shard>}`), so
 * each script touches one slot, and the 16 shards spread logins over the masters.
 *
 * @example
 * ```ts
 * const client = await createNeverloseClient({ ...options });
 * const store = new RedisTransactionStore(redis, { prefix: 'shop:' });
 * const { url, transaction, binding } = await client.startAuthorization();
 * await store.set(binding, transaction, client.transactionTtl);
 * ```
 */
export class RedisTransactionStore implements TransactionStore {
  readonly #core: RedisStoreCore;
  readonly #shards: number;
  readonly #capacity: number;
  readonly #maxEntries: number;

  constructor(client: RedisClient, options: RedisTransactionStoreOptions = {}) {
    this.#core = new RedisStoreCore(client, options, '');
    const maxEntries = positiveInteger('maxEntries', options.maxEntries ?? 100_000);
    this.#maxEntries = maxEntries;
    this.#shards = Math.min(MAX_SHARDS, maxEntries);
    this.#capacity = Math.floor(maxEntries / this.#shards);
  }

  /**
   * Keeps `transaction` under the browser's `binding` for `ttl` milliseconds.
   *
   * @throws {NeverloseOidcError} `ERR_TRANSACTION_STORE_FULL` when the transaction's shard holds
   *   its share of `maxEntries` transactions that have not expired.
   */
  async set(binding: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(ttl));
    const key = await transactionKey(binding);
    const shard = this.#shard(key);
    const stored = await this.#core.eval(
      SET_SCRIPT,
      [shard.index, shard.entry(key)],
      [key, JSON.stringify(transaction), ttlMs, Date.now(), this.#capacity],
    );
    const reply = typeof stored === 'number' || typeof stored === 'bigint' ? Number(stored) : NaN;
    if (reply === 1) return;
    if (reply === 0) {
      throw new NeverloseOidcError(
        'ERR_TRANSACTION_STORE_FULL',
        `Too many logins in progress: ${this.#capacity} transactions are pending in this login's shard (maxEntries ${this.#maxEntries} over ${this.#shards} shards). Try again in a moment.`,
      );
    }
    throw new NeverloseRedisError(
      'ERR_REDIS_UNEXPECTED_REPLY',
      `The transaction store's set answered ${JSON.stringify(stored)}.`,
    );
  }

  /** Returns the transaction kept under the browser's `binding` and deletes it, or `undefined`. */
  async take(binding: string): Promise<AuthorizationTransaction | undefined> {
    const key = await transactionKey(binding);
    const shard = this.#shard(key);
    const json = await this.#core.eval(TAKE_SCRIPT, [shard.index, shard.entry(key)], [key]);
    return typeof json === 'string' ? (JSON.parse(json) as AuthorizationTransaction) : undefined;
  }

  #shard(key: string): { index: string; entry(key: string): string } {
    const tag = `${this.#core.keyPrefix}{oidc-tx:${shardOf(key, this.#shards)}}`;
    return { index: `${tag}index`, entry: (of) => `${tag}tx:${of}` };
  }
}
