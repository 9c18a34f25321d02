import { timeoutOption } from './client.js';
import { translateRedisError } from './driver-errors.js';
import { isNeverloseRedisError, NeverloseRedisError } from './errors.js';

/**
 * A client {@link connectRedis} can open: node-redis `createClient()` / `createCluster()` (v4 to
 * v6), or ioredis `Redis` / `Cluster` (best created with `lazyConnect: true`).
 */
export interface ConnectableRedisClient {
  connect(): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  off(event: 'error', listener: (error: unknown) => void): unknown;
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /**
   * The client connects within this many milliseconds, or is closed and `connectRedis` fails
   * with `ERR_REDIS_UNAVAILABLE`. Until then a refused or lost attempt is retried.
   *
   * @defaultValue `10000`
   */
  readonly timeoutMs?: number;
  /**
   * Receives the client's `'error'` events once it is connected (a restart of Redis, a lost
   * connection: the client reconnects by itself). Before that, they are kept, and the last one
   * is named by the error `connectRedis` throws.
   *
   * @defaultValue none: the client's `'error'` events are left to listeners of your own
   */
  readonly onError?: (error: Error) => void;
}

/** The default of {@link ConnectRedisOptions.timeoutMs}. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** node-redis's cluster client gives up after one round of its root nodes: it is asked again after this long. */
const RETRY_DELAY_MS = 100;

/**
 * Connects `client` (made by the caller, not yet connected) within a deadline, and returns it.
 *
 * Until the first connection, the client's `'error'` events are kept, neither thrown nor logged:
 * a refused attempt is retried (by the client, or here for a node-redis cluster) until the
 * deadline. Then, or when Redis refuses the credentials, the client is closed (nothing keeps the
 * process open) and a {@link NeverloseRedisError} is thrown: `ERR_REDIS_AUTH` when the last
 * attempt was refused its credentials, else `ERR_REDIS_UNAVAILABLE`; its message names the
 * deadline and the last attempt's error, which is its `cause`. Once connected, `onError` is
 * attached to the client (so that a later `'error'` event never ends the process) and the
 * function's own listener removed.
 *
 * @example
 * ```ts
 * import { connectRedis } from 'neverlose-redis';
 * import { createClient } from 'redis';
 *
 * const redis = await connectRedis(createClient({ url: process.env.REDIS_URL }), {
 *   timeoutMs: 10_000,
 *   onError: (error) => console.error('Redis:', error),
 * });
 * ```
 *
 * @throws {NeverloseRedisError} `ERR_INVALID_OPTION` for an invalid option,
 * `ERR_REDIS_UNSUPPORTED_CLIENT` for a client without `connect()` and `'error'` events,
 * `ERR_REDIS_AUTH` or `ERR_REDIS_UNAVAILABLE` when no connection was made in time.
 */
export async function connectRedis<Client extends ConnectableRedisClient>(
  client: Client,
  options: ConnectRedisOptions = {},
): Promise<Client> {
  const timeoutMs = timeoutOption(options.timeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new NeverloseRedisError(
      'ERR_INVALID_OPTION',
      'Invalid option "onError": must be a function.',
    );
  }
  const candidate = client as unknown as Partial<Record<string, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate['connect'] !== 'function' ||
    typeof candidate['on'] !== 'function' ||
    typeof candidate['off'] !== 'function'
  ) {
    throw new NeverloseRedisError(
      'ERR_REDIS_UNSUPPORTED_CLIENT',
      'Invalid Redis client: pass a node-redis client (createClient() or createCluster()) or an ioredis Redis or Cluster (lazyConnect: true), not yet connected.',
    );
  }
  const emitter = client as unknown as Emitter;
  let lastAttempt: unknown;
  let fail: (error: unknown) => void = () => undefined;
  const keepAttempt = (error: unknown) => {
    lastAttempt = error;
    if (codeOf(error) === 'ERR_REDIS_AUTH') fail(error);
  };
  emitter.on('error', keepAttempt);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let ready: (() => void) | undefined;
  const ended = () => fail(lastAttempt);
  let over = false;
  try {
    await new Promise<void>((resolve, reject) => {
      fail = (error) => reject(unavailable(timeoutMs, error));
      timer = setTimeout(() => fail(lastAttempt), timeoutMs);
      if (isIoredis(emitter)) {
        // ioredis reconnects by itself after a failed `connect()`: its 'ready' event says when it
        // is done, its 'end' event that it gave up.
        ready = resolve;
        emitter.once('ready', resolve);
        emitter.once('end', ended);
        if (emitter.status === 'ready') resolve();
        else if (emitter.status === 'wait') emitter.connect().catch(() => undefined);
        return;
      }
      if ((emitter as { isReady?: unknown }).isReady === true) {
        resolve();
        return;
      }
      const attempt = () => {
        if (over) return;
        // A client that throws rather than rejects fails the same way.
        Promise.resolve()
          .then(() => client.connect())
          .then(
            () => resolve(),
            (error: unknown) => {
              // node-redis's cluster client stops after one round of its root nodes: ask again.
              if (lastAttempt === undefined) lastAttempt = error;
              if (codeOf(lastAttempt) === 'ERR_REDIS_AUTH') fail(lastAttempt);
              else retry = setTimeout(attempt, RETRY_DELAY_MS);
            },
          );
      };
      attempt();
    });
  } catch (error) {
    // Closed, the client lets the process exit; a late 'error' of its own is still kept.
    close(emitter);
    throw error;
  } finally {
    over = true;
    clearTimeout(timer);
    clearTimeout(retry);
    if (ready !== undefined) {
      emitter.off('ready', ready);
      emitter.off('end', ended);
    }
  }
  if (onError !== undefined) emitter.on('error', onError as (error: unknown) => void);
  emitter.off('error', keepAttempt);
  return client;
}

interface Emitter {
  connect(): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  /** ioredis only. */
  status?: string;
  destroy?(): void;
  disconnect?(): unknown;
}

/** ioredis's `Redis` and `Cluster` have a `status`; node-redis's clients do not. */
function isIoredis(client: Emitter): boolean {
  return typeof client.status === 'string';
}

function close(client: Emitter): void {
  try {
    // node-redis v5 closes at once with `destroy()`; v4 and ioredis with `disconnect()`.
    if (typeof client.destroy === 'function') client.destroy();
    else void Promise.resolve(client.disconnect?.()).catch(() => undefined);
  } catch {
    // Already closed.
  }
}

/** The failure of one attempt as its own message: an ioredis cluster names its last node's error. */
function attemptError(error: unknown): unknown {
  return (error as { lastNodeError?: unknown } | null)?.lastNodeError ?? error;
}

function codeOf(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  const translated = translateRedisError(attemptError(error));
  return isNeverloseRedisError(translated) ? translated.code : undefined;
}

function unavailable(timeoutMs: number, lastAttempt: unknown): NeverloseRedisError {
  const cause = attemptError(lastAttempt);
  if (cause === undefined) {
    return new NeverloseRedisError(
      'ERR_REDIS_UNAVAILABLE',
      `No connection to Redis within ${timeoutMs} ms (option "timeoutMs"): no attempt failed, the server never answered.`,
    );
  }
  const message =
    typeof (cause as { message?: unknown } | null)?.message === 'string'
      ? (cause as Error).message
      : String(cause);
  if (codeOf(cause) === 'ERR_REDIS_AUTH') {
    return new NeverloseRedisError(
      'ERR_REDIS_AUTH',
      `No connection to Redis: it refused the credentials (${message}).`,
      { cause },
    );
  }
  return new NeverloseRedisError(
    'ERR_REDIS_UNAVAILABLE',
    `No connection to Redis within ${timeoutMs} ms (option "timeoutMs"); the last attempt failed: ${message}.`,
    { cause },
  );
}
