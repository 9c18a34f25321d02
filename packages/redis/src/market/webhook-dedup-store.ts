import type { DedupClaim, WebhookDedupStore } from 'neverlose-market';
import type { RedisAdapterOptions, RedisClient } from '../client.js';
import { NeverloseRedisError } from '../errors.js';
import { RedisStoreCore } from '../store-core.js';

// KEYS: the event. ARGV: lease seconds. Claims a free event; reports a claimed or done one.
const CLAIM_SCRIPT = `
local state = redis.call('GET', KEYS[1])
if state then return state end
redis.call('SET', KEYS[1], 'processing', 'EX', ARGV[1])
return 'claimed'`;

// KEYS: the event. Releases a claim, never a done record.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == 'processing' then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * A `neverlose-market` {@link WebhookDedupStore} in Redis. `claim` is one script, atomic across
 * every instance: a redelivered webhook runs its handler once however deliveries are spread, and
 * a duplicate that arrives while another instance runs the handler is asked to retry (503).
 * Each event is one key, so on Redis Cluster events spread over every master.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, dedupStore: new RedisWebhookDedupStore(redis), onEvent });
 * ```
 */
export class RedisWebhookDedupStore implements WebhookDedupStore {
  readonly #core: RedisStoreCore;

  constructor(client: RedisClient, options: RedisAdapterOptions = {}) {
    this.#core = new RedisStoreCore(client, options, 'webhook:');
  }

  async claim(kind: string, uniqueId: number, leaseSeconds: number): Promise<DedupClaim> {
    const lease = String(Math.max(1, Math.ceil(leaseSeconds)));
    const reply = await this.#core.eval(CLAIM_SCRIPT, [this.#key(kind, uniqueId)], [lease]);
    if (reply === 'claimed' || reply === 'processing' || reply === 'done') return reply;
    throw new NeverloseRedisError(
      'ERR_REDIS_UNEXPECTED_REPLY',
      `The dedup claim answered ${JSON.stringify(reply)}.`,
    );
  }

  async complete(kind: string, uniqueId: number, ttlSeconds: number): Promise<void> {
    const ttl = String(Math.max(1, Math.ceil(ttlSeconds)));
    const key = this.#key(kind, uniqueId);
    await this.#core.commands.send(key, ['SET', key, 'done', 'EX', ttl]);
  }

  async release(kind: string, uniqueId: number): Promise<void> {
    await this.#core.eval(RELEASE_SCRIPT, [this.#key(kind, uniqueId)], []);
  }

  #key(kind: string, uniqueId: number): string {
    return `${this.#core.keyPrefix}${kind}:${uniqueId}`;
  }
}
