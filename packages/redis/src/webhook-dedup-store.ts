import type { WebhookDedupStore } from 'neverlose-market';
import type { RedisAdapterOptions, RedisCommandClient } from './command-client.js';
import { prefixOption } from './errors.js';

/**
 * A `neverlose-market` {@link WebhookDedupStore} in Redis: `SET NX EX` is atomic across every
 * instance, so a redelivered webhook runs its handler once however deliveries are spread.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, dedupStore: new RedisWebhookDedupStore(redis), onEvent });
 * ```
 */
export class RedisWebhookDedupStore implements WebhookDedupStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;

  constructor(client: RedisCommandClient, options: RedisAdapterOptions = {}) {
    this.#client = client;
    this.#prefix = `${prefixOption(options.prefix)}webhook:`;
  }

  async insertIfAbsent(kind: string, uniqueId: number, ttlSeconds: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlSeconds)));
    const reply = await this.#client.sendCommand([
      'SET',
      this.#key(kind, uniqueId),
      '1',
      'NX',
      'EX',
      ttl,
    ]);
    return reply === 'OK';
  }

  async delete(kind: string, uniqueId: number): Promise<void> {
    await this.#client.sendCommand(['DEL', this.#key(kind, uniqueId)]);
  }

  #key(kind: string, uniqueId: number): string {
    return `${this.#prefix}${kind}:${uniqueId}`;
  }
}
