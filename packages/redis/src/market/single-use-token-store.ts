import type { SingleUseTokenStore } from 'neverlose-market';
import type { RedisAdapterOptions, RedisClient } from '../client.js';
import { RedisStoreCore } from '../store-core.js';

/**
 * Seconds a consumed token is remembered beyond its `exp`: longer than any clock tolerance, so a
 * token still accepted a little after `exp` cannot be consumed a second time.
 */
const GRACE_SECONDS = 300;

/**
 * A `neverlose-market` {@link SingleUseTokenStore} in Redis: `SET NX` is atomic across instances,
 * so of all the instances that accept one reseller checkout token (`acceptResellerOrder`), one
 * records it first and the others resume its order. Each token is one key, so on Redis Cluster
 * tokens spread over every master.
 *
 * @example
 * ```ts
 * const { order, resumed } = await acceptResellerOrder(token, apiKey, {
 *   integrationId: 100,
 *   store: new RedisSingleUseTokenStore(redis),
 * });
 * ```
 */
export class RedisSingleUseTokenStore implements SingleUseTokenStore {
  readonly #core: RedisStoreCore;

  constructor(client: RedisClient, options: RedisAdapterOptions = {}) {
    this.#core = new RedisStoreCore(client, options, 'reseller-token:');
  }

  async consume(tokenId: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAt - Date.now() / 1000)) + GRACE_SECONDS;
    const key = this.#core.keyPrefix + tokenId;
    const reply = await this.#core.commands.send(key, ['SET', key, '1', 'NX', 'EX', String(ttl)]);
    return reply === 'OK';
  }
}
