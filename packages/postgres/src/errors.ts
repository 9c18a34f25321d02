/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-postgres.error');

/**
 * Stable codes of {@link NeverlosePostgresError}. Switch on them; the messages may change.
 *
 * - `ERR_POSTGRES_CONFIGURATION`: an option is invalid; the message names it and the rule.
 * - `ERR_POSTGRES_INVALID_ARGUMENT`: an argument of an adapter method breaks its rule.
 * - `ERR_POSTGRES_NOT_MIGRATED`: a table is missing: run `migrate()` or `neverlose-postgres migrate`.
 * - `ERR_POSTGRES_NOT_DURABLE`: the server would acknowledge a commit it may lose
 *   (`synchronous_commit = off` or `fsync = off`), and the adapter keeps money or replay state.
 * - `ERR_POSTGRES_ALREADY_HANDLED`: `completeWithin` found the webhook done by another delivery:
 *   the caller's transaction must roll back (its effect was already committed once).
 * - `ERR_POSTGRES_UNEXPECTED_REPLY`: the server answered something the adapter cannot read.
 * - `ERR_TRANSACTION_STORE_FULL`: `PostgresTransactionStore` holds `maxEntries` logins in flight and
 *   refuses a new one (answer 503); the same code as `neverlose-oidc`'s memory store.
 * - `ERR_POSTGRES_DRIVER_UNAVAILABLE`: the `neverlose-postgres` command needs the `pg` package.
 */
export type NeverlosePostgresErrorCode =
  | 'ERR_POSTGRES_CONFIGURATION'
  | 'ERR_POSTGRES_INVALID_ARGUMENT'
  | 'ERR_POSTGRES_NOT_MIGRATED'
  | 'ERR_POSTGRES_NOT_DURABLE'
  | 'ERR_POSTGRES_ALREADY_HANDLED'
  | 'ERR_POSTGRES_UNEXPECTED_REPLY'
  | 'ERR_POSTGRES_DRIVER_UNAVAILABLE'
  | 'ERR_TRANSACTION_STORE_FULL';

/**
 * Every error of this package (journal refusals keep `neverlose-market`'s `JournalError` codes).
 *
 * @example
 * ```ts
 * try {
 *   await dedup.claim('purchase', 89968, 300);
 * } catch (error) {
 *   if (isNeverlosePostgresError(error) && error.code === 'ERR_POSTGRES_NOT_MIGRATED') {
 *     // run `neverlose-postgres migrate` once
 *   }
 * }
 * ```
 */
export class NeverlosePostgresError extends Error {
  /** A stable, machine-readable code, such as `ERR_POSTGRES_NOT_MIGRATED`. */
  readonly code: NeverlosePostgresErrorCode;

  constructor(code: NeverlosePostgresErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'NeverlosePostgresError';
  }
}
Object.defineProperty(NeverlosePostgresError.prototype, brand, { value: true });

/** True for an error of this package, whichever loaded copy threw it. */
export function isNeverlosePostgresError(error: unknown): error is NeverlosePostgresError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}

/** @internal The SQLSTATE of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** @internal Names a missing table as what it is: a database nobody migrated. */
export function translateError(error: unknown): unknown {
  if (sqlState(error) === '42P01') {
    return new NeverlosePostgresError(
      'ERR_POSTGRES_NOT_MIGRATED',
      'A neverlose-postgres table does not exist: run migrate() (or "npx neverlose-postgres migrate") with the same schema and tablePrefix first.',
      { cause: error },
    );
  }
  return error;
}

/** @internal */
export function invalidArgument(message: string): never {
  throw new NeverlosePostgresError('ERR_POSTGRES_INVALID_ARGUMENT', message);
}
