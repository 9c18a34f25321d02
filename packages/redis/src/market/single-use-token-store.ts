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
 * so a reseller checkout token is fulfilled once however many instances see it. Each token is one
 * key, so on Redis Cluster tokens spread over every master.
 *
 * @example
 * ```ts
 * const order = await verifyResellerToken(token, apiKey, {
 *   integrationId: 100,
 *   singleUseStore: new RedisSingleUseTokenStore(redis),
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
