import type { SingleUseTokenStore } from 'neverlose-market';
import type { RedisAdapterOptions, RedisCommandClient } from './command-client.js';
import { prefixOption } from './errors.js';

/**
 * Seconds a consumed token is remembered beyond its `exp`: longer than any clock tolerance, so a
 * token still accepted a little after `exp` cannot be consumed a second time.
 */
const GRACE_SECONDS = 300;

/**
 * A `neverlose-market` {@link SingleUseTokenStore} in Redis: `SET NX` is atomic across instances,
 * so a reseller checkout token is fulfilled once however many instances see it.
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
  readonly #client: RedisCommandClient;
  readonly #prefix: string;

  constructor(client: RedisCommandClient, options: RedisAdapterOptions = {}) {
    this.#client = client;
    this.#prefix = `${prefixOption(options.prefix)}reseller-token:`;
  }

  async consume(tokenId: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAt - Date.now() / 1000)) + GRACE_SECONDS;
    const reply = await this.#client.sendCommand([
      'SET',
      this.#prefix + tokenId,
      '1',
      'NX',
      'EX',
      String(ttl),
    ]);
    return reply === 'OK';
  }
}
