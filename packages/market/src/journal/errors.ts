import { NeverloseMarketError } from '../errors.js';

/**
 * Codes of {@link JournalError}.
 *
 * - `ERR_JOURNAL_KEY_CONFLICT`: a business key already maps to an operation with other parameters
 *   (or another request id). Nothing was sent.
 * - `ERR_JOURNAL_ID_REUSED`: the request id already belongs to another business key.
 * - `ERR_JOURNAL_UNKNOWN_KEY`: `complete`/`fail` of a key the journal never began.
 */
export type JournalErrorCode =
  | 'ERR_JOURNAL_KEY_CONFLICT'
  | 'ERR_JOURNAL_ID_REUSED'
  | 'ERR_JOURNAL_UNKNOWN_KEY';

/** The id journal refused an operation or could not be opened. */
export class JournalError extends NeverloseMarketError<JournalErrorCode> {}
