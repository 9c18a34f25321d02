/**
 * The one method the adapters need from a Redis client: send a command, get its reply.
 *
 * A node-redis client (`createClient()` from `redis` v4 to v6) fits as it is. For ioredis, wrap it:
 * `{ sendCommand: (args) => ioredis.call(args[0], ...args.slice(1)) }`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisTransactionStore(redis);
 * ```
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options every adapter takes. */
export interface RedisAdapterOptions {
  /**
   * Prefix of every key the adapter writes, so several apps can share one Redis.
   *
   * @defaultValue `'neverlose:'`
   */
  readonly prefix?: string;
}

/** @internal Runs a Lua script with EVAL (scripts are short; Redis caches them by hash). */
export function evalScript(
  client: RedisCommandClient,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);
}
