import type { SingleUseTokenStore } from 'neverlose-market';
import {
  type Commands,
  type RedisAdapterOptions,
  type RedisClient,
  toCommands,
} from '../client.js';
import { prefixOption } from '../options.js';

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
  readonly #commands: Commands;
  readonly #prefix: string;

  constructor(client: RedisClient, options: RedisAdapterOptions = {}) {
    this.#prefix = `${prefixOption(options.prefix)}reseller-token:`;
    this.#commands = toCommands(client, options.timeoutMs);
  }

  async consume(tokenId: string, expiresAt: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAt - Date.now() / 1000)) + GRACE_SECONDS;
    const key = this.#prefix + tokenId;
    const reply = await this.#commands.send(key, ['SET', key, '1', 'NX', 'EX', String(ttl)]);
    return reply === 'OK';
  }
}
