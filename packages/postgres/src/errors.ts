import { brandErrors, CodedError, markStoreFailures } from '@neverlose-toolkit/internal/errors';

/**
 * Stable codes of {@link NeverlosePostgresError}. Switch on them; the messages may change.
 *
 * The server failed (each with the driver's error as `cause`; a webhook handler answers 503):
 * - `ERR_POSTGRES_UNAVAILABLE`: no connection, or it was lost: refused, reset, the server shutting
 *   down, starting or out of connections, a pool already ended.
 * - `ERR_POSTGRES_TIMEOUT`: no answer within `timeoutMs` (waiting for a pooled connection,
 *   connecting, or a statement), or the server cancelled a statement (`statement_timeout`).
 * - `ERR_POSTGRES_READ_ONLY`: the server cannot write (a standby, `default_transaction_read_only`):
 *   nothing was written, so nothing was sent.
 * - `ERR_POSTGRES_AUTH`: the server refused the credentials.
 * - `ERR_POSTGRES_NOT_MIGRATED`: a table is missing: run `migrate()` or `neverlose-postgres migrate`.
 * - `ERR_POSTGRES_NOT_DURABLE`: the server would acknowledge a commit it may lose
 *   (`synchronous_commit = off` or `fsync = off`), and the adapter keeps money or replay state.
 *
 * The caller's part:
 * - `ERR_INVALID_OPTION`: an option is invalid; the message names it and the rule.
 * - `ERR_INVALID_ARGUMENT`: an argument of an adapter method breaks its rule.
 * - `ERR_POSTGRES_TRANSACTION_ABORTED`: a statement of the transaction failed and its error was
 *   caught (by a hook or your work), so `COMMIT` rolled everything back: nothing was kept.
 * - `ERR_POSTGRES_ALREADY_HANDLED`: `completeWithin` found the webhook done by another delivery:
 *   the caller's transaction must roll back (its effect was already committed once).
 * - `ERR_POSTGRES_UNEXPECTED_REPLY`: the server answered something the adapter cannot read.
 * - `ERR_TRANSACTION_STORE_FULL`: `PostgresTransactionStore` holds `maxEntries` logins in flight and
 *   refuses a new one (answer 503); the same code as `neverlose-oidc`'s memory store.
 * - `ERR_POSTGRES_DRIVER_UNAVAILABLE`: the `neverlose-postgres` command needs the `pg` package.
 */
export type NeverlosePostgresErrorCode =
  | 'ERR_POSTGRES_UNAVAILABLE'
  | 'ERR_POSTGRES_TIMEOUT'
  | 'ERR_POSTGRES_READ_ONLY'
  | 'ERR_POSTGRES_AUTH'
  | 'ERR_POSTGRES_NOT_MIGRATED'
  | 'ERR_POSTGRES_NOT_DURABLE'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_POSTGRES_TRANSACTION_ABORTED'
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
export class NeverlosePostgresError extends CodedError<NeverlosePostgresErrorCode> {}

/** True for an error of this package, whichever loaded copy threw it. */
export const isNeverlosePostgresError = brandErrors(
  NeverlosePostgresError,
  'neverlose-postgres.error',
);

// The codes that mean "the store cannot do its part now" (see `isStoreFailure`).
markStoreFailures(NeverlosePostgresError, [
  'ERR_POSTGRES_UNAVAILABLE',
  'ERR_POSTGRES_TIMEOUT',
  'ERR_POSTGRES_READ_ONLY',
  'ERR_POSTGRES_AUTH',
  'ERR_POSTGRES_NOT_MIGRATED',
  'ERR_POSTGRES_NOT_DURABLE',
]);
