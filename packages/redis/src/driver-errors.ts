import {
  isNeverloseRedisError,
  NeverloseRedisError,
  type NeverloseRedisErrorCode,
} from './errors.js';

/** Reply errors by their first word (Redis's error prefix). */
const REPLY_ERRORS: Readonly<Record<string, NeverloseRedisErrorCode>> = {
  READONLY: 'ERR_REDIS_READ_ONLY',
  NOAUTH: 'ERR_REDIS_AUTH',
  WRONGPASS: 'ERR_REDIS_AUTH',
  NOPERM: 'ERR_REDIS_AUTH',
  LOADING: 'ERR_REDIS_UNAVAILABLE',
  CLUSTERDOWN: 'ERR_REDIS_UNAVAILABLE',
  TRYAGAIN: 'ERR_REDIS_UNAVAILABLE',
  MASTERDOWN: 'ERR_REDIS_UNAVAILABLE',
  BUSY: 'ERR_REDIS_UNAVAILABLE',
  OOM: 'ERR_REDIS_UNAVAILABLE',
  MISCONF: 'ERR_REDIS_UNAVAILABLE',
  NOREPLICAS: 'ERR_REDIS_UNAVAILABLE',
  // WAIT and blocked commands interrupted by a failover.
  UNBLOCKED: 'ERR_REDIS_UNAVAILABLE',
};

/** Errors of the clients themselves (node-redis, ioredis) when Redis cannot be reached. */
const CLIENT_TIMEOUT = /^(Command timed out|Connection timeout)/;

/**
 * @internal The one place client errors become ours: whatever a command failed with becomes a
 * coded {@link NeverloseRedisError} with the client's error as `cause`. `NOSCRIPT` passes through:
 * it tells the adapter to send a script's text, and never leaves it.
 */
export function translateRedisError(error: unknown): unknown {
  if (isNeverloseRedisError(error)) return error;
  const message =
    typeof (error as { message?: unknown } | null)?.message === 'string'
      ? (error as Error).message
      : String(error);
  const word = /^[A-Z]+/.exec(message)?.[0];
  if (word === 'NOSCRIPT') return error;
  const failure = (code: NeverloseRedisErrorCode, text: string) =>
    new NeverloseRedisError(code, text, { cause: error });
  const replyCode = word === undefined ? undefined : REPLY_ERRORS[word];
  if (replyCode === 'ERR_REDIS_READ_ONLY') {
    return failure(
      replyCode,
      'The Redis node is a read-only replica: nothing was written. Point the client at the master (a cluster client follows failovers).',
    );
  }
  if (replyCode === 'ERR_REDIS_AUTH') {
    return failure(replyCode, `Redis refused the credentials (${message}).`);
  }
  if (replyCode !== undefined) return failure(replyCode, `Redis cannot serve now: ${message}.`);
  if (CLIENT_TIMEOUT.test(message)) {
    return failure('ERR_REDIS_TIMEOUT', `The Redis client gave up waiting: ${message}.`);
  }
  // An error reply we did not expect ("ERR ...", "WRONGTYPE ...") from a server that answered.
  const name = (error as { name?: unknown } | null)?.name;
  if (
    word !== undefined &&
    (name === 'ReplyError' || name === 'ErrorReply' || /^[A-Z]+ /.test(message))
  ) {
    return failure('ERR_REDIS_UNEXPECTED_REPLY', `Redis answered an error: ${message}.`);
  }
  // Everything else is the client failing to reach Redis: refused, reset, closed, offline,
  // redirected too often, no node of the cluster up.
  return failure('ERR_REDIS_UNAVAILABLE', `No answer from Redis: ${message}.`);
}
