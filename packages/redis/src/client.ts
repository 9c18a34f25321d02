import { createHash } from 'node:crypto';
import { NeverloseRedisError } from './errors.js';

/**
 * A hand-made client: one method that sends a command and returns its reply. node-redis's
 * `createClient()` (`redis` v4 to v6) has it as it is.
 *
 * Only for a single Redis (or a proxy that routes by itself): a cluster client must be passed
 * as it is (see {@link RedisClient}), since the adapters tell it which key each command is for.
 *
 * @example
 * ```ts
 * const store = new RedisWebhookDedupStore({ sendCommand: (args) => myClient.command(args) });
 * ```
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * node-redis's `createCluster()`: each command is routed to the node that serves its first key.
 *
 * @example
 * ```ts
 * const cluster = await createCluster({ rootNodes: [{ url: 'redis://10.0.0.1:6379' }] }).connect();
 * ```
 */
export interface NodeRedisClusterClient {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  /** Present on a node-redis cluster client only: how it is told apart from `createClient()`. */
  readonly masters: readonly unknown[];
}

/** ioredis's `Redis` or `Cluster` (a `Cluster` routes each command by its keys). */
export interface IoredisClient {
  call(command: string, ...args: string[]): Promise<unknown>;
  pipeline(commands: string[][]): { exec(): Promise<[Error | null, unknown][] | null> };
}

/**
 * Any client the adapters take: node-redis `createClient()` or `createCluster()`, ioredis `Redis`
 * or `Cluster`, or a {@link RedisCommandClient} of your own.
 */
export type RedisClient = RedisCommandClient | NodeRedisClusterClient | IoredisClient;

/** Options every adapter takes. */
export interface RedisAdapterOptions {
  /**
   * Prefix of every key the adapter writes, so several apps can share one Redis.
   *
   * @defaultValue `'neverlose:'`
   */
  readonly prefix?: string;
}

/**
 * @internal The adapters' view of any client: every command names the key it is for, so that a
 * cluster client sends it to the node that serves that key.
 */
export interface Commands {
  send(key: string, args: readonly string[], readonly?: boolean): Promise<unknown>;
  /**
   * Sends `args` (a write to `key`), then `WAIT count timeout` on the same connection to the same
   * node, so the WAIT covers that write whichever node serves `key` now. Returns the write's reply
   * and how many replicas have it.
   */
  writeThenWait(
    key: string,
    args: readonly string[],
    count: number,
    timeoutMs: number,
  ): Promise<[unknown, number]>;
}

const WHAT_TO_PASS =
  'pass a node-redis client (createClient() or createCluster(), connected), an ioredis Redis or Cluster, or an object with sendCommand(args: string[]): Promise<unknown>.';

/** @internal Adapts any supported client; throws a coded error for anything else. */
export function toCommands(client: unknown): Commands {
  const candidate = client as Partial<Record<string, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new NeverloseRedisError(
      'ERR_REDIS_UNSUPPORTED_CLIENT',
      `Invalid Redis client (${candidate === null ? 'null' : typeof candidate}): ${WHAT_TO_PASS}`,
    );
  }
  // ioredis first: its own `sendCommand` takes a Command object, not an array.
  if (typeof candidate['call'] === 'function' && typeof candidate['pipeline'] === 'function') {
    const ioredis = client as IoredisClient;
    return {
      send: (_key, [command, ...args]) => ioredis.call(command!, ...args),
      writeThenWait: async (_key, args, count, timeoutMs) => {
        // A pipeline goes to the node serving its key, on one connection, WAIT included.
        const replies = await ioredis
          .pipeline([
            ['call', ...args],
            ['call', 'WAIT', String(count), String(timeoutMs)],
          ])
          .exec();
        if (replies?.length !== 2)
          throw new NeverloseRedisError('ERR_REDIS_UNEXPECTED_REPLY', 'A pipeline was not run.');
        for (const [error] of replies) if (error) throw error;
        return [replies[0]![1], Number(replies[1]![1])];
      },
    };
  }
  if (typeof candidate['sendCommand'] !== 'function') {
    throw new NeverloseRedisError(
      'ERR_REDIS_UNSUPPORTED_CLIENT',
      `Invalid Redis client (no sendCommand or call method): ${WHAT_TO_PASS}`,
    );
  }
  if ('masters' in candidate) {
    const cluster = client as NodeRedisClusterClient;
    return {
      send: (key, args, readonly = false) => cluster.sendCommand(key, readonly, [...args]),
      // Sent in the same tick, both go to the client of the node serving `key`, in this order.
      writeThenWait: async (key, args, count, timeoutMs) => {
        const [reply, acked] = await Promise.all([
          cluster.sendCommand(key, false, [...args]),
          cluster.sendCommand(key, false, ['WAIT', String(count), String(timeoutMs)]),
        ]);
        return [reply, Number(acked)];
      },
    };
  }
  const plain = client as RedisCommandClient;
  return {
    send: (_key, args) => plain.sendCommand([...args]),
    writeThenWait: async (_key, args, count, timeoutMs) => {
      const [reply, acked] = await Promise.all([
        plain.sendCommand([...args]),
        plain.sendCommand(['WAIT', String(count), String(timeoutMs)]),
      ]);
      return [reply, Number(acked)];
    },
  };
}

const hashes = new Map<string, string>();

/**
 * @internal Runs a Lua script by its SHA-1 (EVALSHA), sending its text (EVAL) only to a node that
 * does not have it yet: a node restarted, a replica just promoted, a fresh cluster member.
 */
export async function evalScript(
  commands: Commands,
  script: string,
  keys: readonly [string, ...string[]],
  args: readonly (string | number)[],
): Promise<unknown> {
  let sha = hashes.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    hashes.set(script, sha);
  }
  const rest = [String(keys.length), ...keys, ...args.map(String)];
  try {
    return await commands.send(keys[0], ['EVALSHA', sha, ...rest]);
  } catch (error) {
    if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
    return commands.send(keys[0], ['EVAL', script, ...rest]);
  }
}
