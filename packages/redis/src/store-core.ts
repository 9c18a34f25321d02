import {
  type Commands,
  evalScript,
  type RedisAdapterOptions,
  type RedisClient,
  toCommands,
} from './client.js';
import type { Deadline } from './deadline.js';
import { prefixOption } from './options.js';

/**
 * @internal The part every Redis store shares, written once: the client as {@link Commands} (each
 * command routed by its key, within the call's deadline, its errors translated, the client
 * guarded by an `'error'` listener) and the store's key space (option `prefix`, then the store's
 * own part). A store built on it is its keys and its scripts.
 *
 * @example
 * ```ts
 * this.#core = new RedisStoreCore(client, options, 'reseller-token:');
 * const key = this.#core.keyPrefix + tokenId;
 * await this.#core.commands.send(key, ['SET', key, '1', 'NX', 'EX', '300']);
 * ```
 */
export class RedisStoreCore {
  /** The client's commands, each within a deadline (a call of its own unless one is passed). */
  readonly commands: Commands;
  /** The start of every key of the store: the `prefix` option, then `space`. */
  readonly keyPrefix: string;

  /** @param space The store's part of the key space, such as `webhook:` (may be empty). */
  constructor(client: RedisClient, options: RedisAdapterOptions, space: string) {
    this.keyPrefix = `${prefixOption(options.prefix)}${space}`;
    this.commands = toCommands(client, options.timeoutMs);
  }

  /** Runs a Lua script on the node serving `keys[0]` (see `evalScript`). */
  eval(
    script: string,
    keys: readonly [string, ...string[]],
    args: readonly (string | number)[],
    deadline?: Deadline,
  ): Promise<unknown> {
    return evalScript(this.commands, script, keys, args, deadline);
  }
}
