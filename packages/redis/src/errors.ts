/**
 * Codes of {@link NeverloseRedisError}:
 * - `ERR_REDIS_CONFIGURATION`: an option is invalid; the message names it.
 * - `ERR_REDIS_UNSUPPORTED_CLIENT`: the client is none the adapters can use; the message says what to pass.
 * - `ERR_REDIS_UNEXPECTED_REPLY`: Redis answered something the adapter cannot read.
 * - `ERR_REDIS_NOT_REPLICATED`: a journal entry did not reach the replicas asked for in time, so
 *   the request was not sent (`waitForReplicas`).
 */
export type NeverloseRedisErrorCode =
  | 'ERR_REDIS_CONFIGURATION'
  | 'ERR_REDIS_UNSUPPORTED_CLIENT'
  | 'ERR_REDIS_UNEXPECTED_REPLY'
  | 'ERR_REDIS_NOT_REPLICATED';

const brand = Symbol.for('neverlose-redis.error');

/** An adapter was misconfigured, or Redis answered something it cannot have meant. */
export class NeverloseRedisError extends Error {
  readonly code: NeverloseRedisErrorCode;

  constructor(code: NeverloseRedisErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'NeverloseRedisError';
  }
}
Object.defineProperty(NeverloseRedisError.prototype, brand, { value: true });

/** True for an error of this package, whichever loaded copy threw it. */
export function isNeverloseRedisError(error: unknown): error is NeverloseRedisError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}

/** @internal */
export function prefixOption(prefix: string | undefined): string {
  const value = prefix ?? 'neverlose:';
  if (typeof value !== 'string' || /[\s{}]/.test(value)) {
    throw new NeverloseRedisError(
      'ERR_REDIS_CONFIGURATION',
      'Invalid option "prefix": must be a string without whitespace or braces.',
    );
  }
  return value;
}

/** @internal */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new NeverloseRedisError(
      'ERR_REDIS_CONFIGURATION',
      `Invalid option "${name}": must be a positive integer.`,
    );
  }
  return value;
}
