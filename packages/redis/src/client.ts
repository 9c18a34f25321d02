import { createHash } from 'node:crypto';
import { errorListenerGuard } from '@neverlose-toolkit/internal/error-listener';
import { type Deadline, redisDeadline } from './deadline.js';
import { translateRedisError } from './driver-errors.js';
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
  /**
   * Every call of the adapter ends within this many milliseconds, or fails with
   * `ERR_REDIS_TIMEOUT`: a silent server, a command waiting in the client's offline queue while it
   * reconnects, a cluster client rediscovering its nodes. A journal call that timed out sent
   * nothing; a later call with the same key picks the operation up.
   *
   * @defaultValue `5000`
   */
  readonly timeoutMs?: number;
}

/** @internal The default of every `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * @internal The adapters' view of any client: every command names the key it is for, so that a
 * cluster client sends it to the node that serves that key; every command ends within the
 * deadline of its call (a call of its own by default), and fails with a coded error.
 */
export interface Commands {
  /** The deadline of one store call: pass it to every command of the call. */
  deadline(): Deadline;
  send(
    key: string,
    args: readonly string[],
    readonly?: boolean,
    deadline?: Deadline,
  ): Promise<unknown>;
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
    deadline?: Deadline,
  ): Promise<[unknown, number]>;
}

/** What each kind of client does, before deadlines and translation. */
type RawCommands = {
  send(key: string, args: readonly string[], readonly: boolean): Promise<unknown>;
  writeThenWait(
    key: string,
    args: readonly string[],
    count: number,
    timeoutMs: number,
  ): Promise<[unknown, number]>;
};

const WHAT_TO_PASS =
  'pass a node-redis client (createClient() or createCluster(), connected), an ioredis Redis or Cluster, or an object with sendCommand(args: string[]): Promise<unknown>.';

/**
 * @internal Adapts any supported client; throws a coded error for anything else. `timeoutMs` is
 * the adapter's option, checked here.
 */
export function toCommands(client: unknown, timeoutMs: number | undefined = undefined): Commands {
  const limit = timeoutOption(timeoutMs);
  const raw = rawCommands(client);
  listenForErrors(client as object);
  const deadline = () => redisDeadline(limit);
  const bounded = <T>(work: () => Promise<T>, what: string, within: Deadline) => {
    let started: Promise<T>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    return within.race(started, what).catch((error: unknown) => {
      throw translateRedisError(error);
    });
  };
  return {
    deadline,
    send: (key, args, readonly = false, within = deadline()) =>
      bounded(() => raw.send(key, args, readonly), `The command ${args[0]}`, within),
    writeThenWait: (key, args, count, waitMs, within = deadline()) =>
      bounded(
        () => raw.writeThenWait(key, args, count, waitMs),
        `The command ${args[0]} and WAIT`,
        within,
      ),
  };
}

/** @internal Checks a `timeoutMs` option and applies its default. */
export function timeoutOption(
  value: number | undefined,
  fallback: number = DEFAULT_TIMEOUT_MS,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > 2_147_483_647) {
    throw new NeverloseRedisError(
      'ERR_INVALID_OPTION',
      'Invalid option "timeoutMs": must be a positive integer of milliseconds.',
    );
  }
  return value;
}

function rawCommands(client: unknown): RawCommands {
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
      send: (key, args, readonly) => cluster.sendCommand(key, readonly, [...args]),
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
  deadline: Deadline = commands.deadline(),
): Promise<unknown> {
  let sha = hashes.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    hashes.set(script, sha);
  }
  const rest = [String(keys.length), ...keys, ...args.map(String)];
  try {
    return await commands.send(keys[0], ['EVALSHA', sha, ...rest], false, deadline);
  } catch (error) {
    if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
    return commands.send(keys[0], ['EVAL', script, ...rest], false, deadline);
  }
}

/**
 * node-redis emits `'error'` when its connection fails (a restart), and without a listener that
 * event ends the process. The adapters add one where the app has none: it warns once
 * (`NEVERLOSE_REDIS_NO_ERROR_LISTENER`); the client reconnects by itself.
 */
const listenForErrors = errorListenerGuard({
  message: (cause) =>
    `A Redis connection failed (${cause}) and the client has no 'error' listener: neverlose-redis kept the process up. Add client.on('error', ...) to log it.`,
  type: 'NeverloseRedisWarning',
  code: 'NEVERLOSE_REDIS_NO_ERROR_LISTENER',
});
