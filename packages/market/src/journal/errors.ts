import { NeverloseMarketError } from '../errors/base.js';
import type { JournalRef } from './journal.js';

/**
 * Codes of {@link JournalError}.
 *
 * - `ERR_JOURNAL_KEY_CONFLICT`: a business key already maps to an operation of the same method with
 *   other parameters (or another request id). Nothing was sent.
 * - `ERR_JOURNAL_ID_REUSED`: the request id already belongs to another entry (another key or method).
 * - `ERR_JOURNAL_UNKNOWN_KEY`: `complete`/`fail` of a method and key the journal never began.
 * - `ERR_JOURNAL_CORRUPT`: an entry read back is not what the client wrote (its request id or
 *   parameters do not parse): the storage was changed by hand or damaged.
 */
export type JournalErrorCode =
  | 'ERR_JOURNAL_KEY_CONFLICT'
  | 'ERR_JOURNAL_ID_REUSED'
  | 'ERR_JOURNAL_UNKNOWN_KEY'
  | 'ERR_JOURNAL_CORRUPT';

/**
 * The id journal refused an operation or could not be opened. A journal of your own throws the
 * refusals its contract names with {@link JournalError.idReused} and {@link JournalError.unknownKey}.
 */
export class JournalError extends NeverloseMarketError<JournalErrorCode> {
  /** `ERR_JOURNAL_ID_REUSED`: `begin` of `requestId`, which the entry of `owner` already has. */
  static idReused(requestId: string, owner: Partial<JournalRef> | undefined): JournalError {
    return new JournalError(
      'ERR_JOURNAL_ID_REUSED',
      `Request id ${requestId} already belongs to the ${String(owner?.method)} of key ${JSON.stringify(owner?.key)}.`,
    );
  }

  /** `ERR_JOURNAL_UNKNOWN_KEY`: `complete` or `fail` of an entry the journal never began. */
  static unknownKey(ref: Partial<JournalRef> | undefined): JournalError {
    return new JournalError(
      'ERR_JOURNAL_UNKNOWN_KEY',
      `No journal entry for the ${String(ref?.method)} of key ${JSON.stringify(ref?.key)}.`,
    );
  }
}
