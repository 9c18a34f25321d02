import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link JournalError}.
 *
 * - `ERR_JOURNAL_KEY_CONFLICT`: a business key already maps to an operation with other parameters
 *   (or another request id). Nothing was sent.
 * - `ERR_JOURNAL_ID_REUSED`: the request id already belongs to another business key.
 * - `ERR_JOURNAL_UNKNOWN_KEY`: `complete`/`fail` of a key the journal never began.
 * - `ERR_JOURNAL_CORRUPT`: an entry read back is not what the client wrote (its request id or
 *   parameters do not parse): the storage was changed by hand or damaged.
 */
export type JournalErrorCode =
  | 'ERR_JOURNAL_KEY_CONFLICT'
  | 'ERR_JOURNAL_ID_REUSED'
  | 'ERR_JOURNAL_UNKNOWN_KEY'
  | 'ERR_JOURNAL_CORRUPT';

/** The id journal refused an operation or could not be opened. */
export class JournalError extends NeverloseMarketError<JournalErrorCode> {}
