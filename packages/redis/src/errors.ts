import { brandErrors, CodedError, markStoreFailures } from '@neverlose-toolkit/internal/errors';

/**
 * Codes of {@link NeverloseRedisError}.
 *
 * Redis failed (each with the client's error as `cause`; a webhook handler answers 503, a money
 * call sends nothing):
 * - `ERR_REDIS_UNAVAILABLE`: no connection, or it was lost (refused, reset, the client offline or
 *   closed), or Redis cannot serve now (a cluster failing over, loading, out of memory).
 * - `ERR_REDIS_TIMEOUT`: no answer within `timeoutMs` (a command queued while the client
 *   reconnects counts).
 * - `ERR_REDIS_READ_ONLY`: the node is a read-only replica: nothing was written.
 * - `ERR_REDIS_AUTH`: Redis refused the credentials (`NOAUTH`, `WRONGPASS`, `NOPERM`).
 * - `ERR_REDIS_NOT_REPLICATED`: a journal entry did not reach the replicas asked for in time, so
 *   the request was not sent (`waitForReplicas`).
 *
 * The caller's part:
 * - `ERR_INVALID_OPTION`: an option is invalid; the message names it.
 * - `ERR_REDIS_UNSUPPORTED_CLIENT`: the client is none the adapters can use; the message says what to pass.
 * - `ERR_REDIS_UNEXPECTED_REPLY`: Redis answered something the adapter cannot read.
 */
export type NeverloseRedisErrorCode =
  | 'ERR_REDIS_UNAVAILABLE'
  | 'ERR_REDIS_TIMEOUT'
  | 'ERR_REDIS_READ_ONLY'
  | 'ERR_REDIS_AUTH'
  | 'ERR_REDIS_NOT_REPLICATED'
  | 'ERR_INVALID_OPTION'
  | 'ERR_REDIS_UNSUPPORTED_CLIENT'
  | 'ERR_REDIS_UNEXPECTED_REPLY';

/** An adapter was misconfigured, Redis failed, or it answered something it cannot have meant. */
export class NeverloseRedisError extends CodedError<NeverloseRedisErrorCode> {}

/** True for an error of this package, whichever loaded copy threw it. */
export const isNeverloseRedisError = brandErrors(NeverloseRedisError, 'neverlose-redis.error');

// The codes that mean "the store cannot do its part now" (see `isStoreFailure`).
markStoreFailures(NeverloseRedisError, [
  'ERR_REDIS_UNAVAILABLE',
  'ERR_REDIS_TIMEOUT',
  'ERR_REDIS_READ_ONLY',
  'ERR_REDIS_AUTH',
  'ERR_REDIS_NOT_REPLICATED',
]);
