import type { AuthorizationTransaction, TransactionStore } from 'neverlose-oidc';
import {
  type Commands,
  evalScript,
  type RedisAdapterOptions,
  type RedisClient,
  toCommands,
} from '../client.js';
import { positiveInteger, prefixOption } from '../errors.js';
import { shardOf } from '../shard.js';

/** Options of {@link RedisTransactionStore}. */
export interface RedisTransactionStoreOptions extends RedisAdapterOptions {
  /**
   * Most transactions kept at once; past it the oldest are evicted (anyone can start a login, so
   * the store must be bounded). The bound is kept per shard: transactions are spread over up to 16
   * shards by their state, each holding `floor(maxEntries / shards)` and evicting its own oldest.
   *
   * @defaultValue `100_000`
   */
  readonly maxEntries?: number;
}

/** Shards of the store: enough to spread logins over a cluster's masters, few enough to prune. */
const MAX_SHARDS = 16;

// KEYS: shard index, entry. ARGV: state, json, ttl ms, now ms, shard capacity.
// Drops expired index members, makes room by evicting the shard's oldest, then stores the entry with
// its TTL. Returns the evicted states: their entries are deleted by the caller (a script touches
// only the keys it is given).
const SET_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5]) + 1
local evicted = {}
if excess > 0 then
  evicted = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[3]), ARGV[1])
return evicted`;

// KEYS: shard index, entry. ARGV: state. Atomic take: a replayed callback finds nothing.
const TAKE_SCRIPT = `
local json = redis.call('GET', KEYS[2])
if json then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[1], ARGV[1])
return json`;

/**
 * A `neverlose-oidc` {@link TransactionStore} in Redis, so that a login started on one instance
 * completes on another. `take` is atomic (one script: read and delete), entries expire with their
 * TTL, and the store is bounded by `maxEntries`.
 *
 * On Redis Cluster, a transaction and its shard's index share a hash tag (`{oidc-tx:<shard>}`), so
 * each script touches one slot, and the 16 shards spread logins over the masters.
 *
 * @example
 * ```ts
 * const client = await createNeverloseClient({ ...options });
 * const store = new RedisTransactionStore(redis, { prefix: 'shop:' });
 * const { url, transaction } = await client.startAuthorization();
 * await store.set(transaction.state, transaction, 10 * 60_000);
 * ```
 */
export class RedisTransactionStore implements TransactionStore {
  readonly #commands: Commands;
  readonly #prefix: string;
  readonly #shards: number;
  readonly #capacity: number;

  constructor(client: RedisClient, options: RedisTransactionStoreOptions = {}) {
    this.#prefix = prefixOption(options.prefix);
    const maxEntries = positiveInteger('maxEntries', options.maxEntries ?? 100_000);
    this.#shards = Math.min(MAX_SHARDS, maxEntries);
    this.#capacity = Math.floor(maxEntries / this.#shards);
    this.#commands = toCommands(client);
  }

  async set(state: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(ttl));
    const shard = this.#shard(state);
    const evicted = await evalScript(
      this.#commands,
      SET_SCRIPT,
      [shard.index, shard.entry(state)],
      [state, JSON.stringify(transaction), ttlMs, Date.now(), this.#capacity],
    );
    if (Array.isArray(evicted) && evicted.length > 0) {
      const keys = evicted.map((old) => shard.entry(String(old)));
      await this.#commands.send(keys[0]!, ['DEL', ...keys]);
    }
  }

  async take(state: string): Promise<AuthorizationTransaction | undefined> {
    const shard = this.#shard(state);
    const json = await evalScript(
      this.#commands,
      TAKE_SCRIPT,
      [shard.index, shard.entry(state)],
      [state],
    );
    return typeof json === 'string' ? (JSON.parse(json) as AuthorizationTransaction) : undefined;
  }

  #shard(state: string): { index: string; entry(state: string): string } {
    const tag = `${this.#prefix}{oidc-tx:${shardOf(state, this.#shards)}}`;
    return { index: `${tag}index`, entry: (of) => `${tag}tx:${of}` };
  }
}
