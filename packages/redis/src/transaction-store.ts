import type { AuthorizationTransaction, TransactionStore } from 'neverlose-oidc';
import { evalScript, type RedisAdapterOptions, type RedisCommandClient } from './command-client.js';
import { positiveInteger, prefixOption } from './errors.js';

/** Options of {@link RedisTransactionStore}. */
export interface RedisTransactionStoreOptions extends RedisAdapterOptions {
  /**
   * Most transactions kept at once; the oldest are evicted first, as in the memory store (anyone
   * can start a login, so the store must be bounded).
   *
   * @defaultValue `100_000`
   */
  readonly maxEntries?: number;
}

// KEYS: index, entry. ARGV: state, json, ttl ms, now ms, max entries, entry prefix.
// Drops expired index members, evicts the oldest while full, then stores the entry with its TTL.
const SET_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5]) + 1
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  for _, state in ipairs(oldest) do redis.call('DEL', ARGV[6] .. state) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[3]), ARGV[1])
return 1`;

// KEYS: index, entry. ARGV: state. Atomic take: a replayed callback finds nothing.
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
 * @example
 * ```ts
 * const client = await createNeverloseClient({ ...options });
 * const store = new RedisTransactionStore(redis, { prefix: 'shop:' });
 * const { url, transaction } = await client.startAuthorization();
 * await store.set(transaction.state, transaction, 10 * 60_000);
 * ```
 */
export class RedisTransactionStore implements TransactionStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #index: string;
  readonly #maxEntries: number;

  constructor(client: RedisCommandClient, options: RedisTransactionStoreOptions = {}) {
    this.#client = client;
    this.#prefix = `${prefixOption(options.prefix)}{oidc-tx}:`;
    this.#index = `${prefixOption(options.prefix)}{oidc-tx}index`;
    this.#maxEntries = positiveInteger('maxEntries', options.maxEntries ?? 100_000);
  }

  async set(state: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(ttl));
    await evalScript(
      this.#client,
      SET_SCRIPT,
      [this.#index, this.#prefix + state],
      [state, JSON.stringify(transaction), ttlMs, Date.now(), this.#maxEntries, this.#prefix],
    );
  }

  async take(state: string): Promise<AuthorizationTransaction | undefined> {
    const json = await evalScript(
      this.#client,
      TAKE_SCRIPT,
      [this.#index, this.#prefix + state],
      [state],
    );
    return typeof json === 'string' ? (JSON.parse(json) as AuthorizationTransaction) : undefined;
  }
}
