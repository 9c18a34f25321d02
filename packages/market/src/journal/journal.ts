/** A value, or a promise of it: adapters may be synchronous (SQLite) or not (Redis). */
export type Awaitable<T> = T | Promise<T>;

/** `pending` until the API answered; then `completed` or `failed` (an API error, final). */
export type JournalState = 'pending' | 'completed' | 'failed';

/** How a completed operation ended. */
export interface JournalCompletion {
  /** `already-completed`: a retry was answered `Invalid id.`, so an earlier attempt had applied. */
  readonly status: 'completed' | 'already-completed';
  /** The API's reply, for `completed`. */
  readonly reply?: Readonly<Record<string, unknown>>;
}

/** The final API error of a failed operation. */
export interface JournalFailure {
  readonly code: string;
  /** The provider's message. */
  readonly message: string;
}

/**
 * Which entry: a business key names one operation per method, as the request id of a key does
 * without a journal (`keyRequestId(method, key)`). One order may have one `transfer-money` and one
 * `gift-product` under the same key; each has its own entry.
 */
export interface JournalRef {
  /** The API method, such as `gift-product`. */
  readonly method: string;
  /** The caller's business key (an order id), or `id:<request id>` when none was given. */
  readonly key: string;
}

/** What is written before a request leaves. */
export interface NewJournalEntry extends JournalRef {
  /** The request id as JSON text: `"abc"` for a string id, `123` for an integer. */
  readonly requestId: string;
  /** The method's fields as JSON text (without `user_id`, `id` and `signature`). */
  readonly params: string;
  /** SHA-256 of the method and its fields: the same key with other parameters is refused. */
  readonly fingerprint: string;
}

/** One operation in the journal. */
export interface JournalEntry extends NewJournalEntry {
  readonly state: JournalState;
  readonly completion?: JournalCompletion;
  readonly failure?: JournalFailure;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Durable record of money-moving operations, so that a business key maps to one request id per
 * method forever and an operation interrupted by a crash can be re-sent with its original id.
 *
 * What every adapter keeps (the suite of `neverlose-market/testing` checks it):
 * - `begin` is atomic across every process sharing the journal (insert if absent, else return the
 *   existing entry) and durable before it resolves: the client sends nothing until it has.
 * - `begin` of an entry that is still pending writes too (or fails): the client calls it again
 *   before it re-sends a pending operation, so a store that cannot record the outcome (read-only,
 *   unreachable) refuses before anything is sent.
 * - An entry is named by its method and key ({@link JournalRef}); a request id belongs to one entry.
 * - A completed or failed entry never changes again.
 * - A store failure is an error with a code (`ERR_POSTGRES_UNAVAILABLE`, `ERR_REDIS_TIMEOUT`...)
 *   within a deadline, never a hang.
 *
 * {@link MemoryIdJournal} is for tests and single-process scripts; {@link openSqliteIdJournal} is the
 * durable default on one host; `neverlose-postgres` and `neverlose-redis` share one across hosts.
 */
export interface IdJournal {
  /**
   * Records `entry` as `pending` unless its method and key have an entry; returns that entry.
   *
   * @throws {JournalError} `ERR_JOURNAL_ID_REUSED` when the request id belongs to another entry.
   */
  begin(
    entry: NewJournalEntry,
  ): Awaitable<{ readonly created: boolean; readonly entry: JournalEntry }>;
  /**
   * Marks a pending operation completed (a settled one stays as it is).
   *
   * @throws {JournalError} `ERR_JOURNAL_UNKNOWN_KEY` when it has no entry.
   */
  complete(ref: JournalRef, completion: JournalCompletion): Awaitable<void>;
  /**
   * Marks a pending operation failed with a final API error (a settled one stays as it is).
   *
   * @throws {JournalError} `ERR_JOURNAL_UNKNOWN_KEY` when it has no entry.
   */
  fail(ref: JournalRef, failure: JournalFailure): Awaitable<void>;
  /** The entry of a method and key, if any. */
  get(ref: JournalRef): Awaitable<JournalEntry | undefined>;
  /** Every pending operation, oldest first. */
  pending(): Awaitable<readonly JournalEntry[]>;
  /** Releases the storage (closes the database). */
  close?(): Awaitable<void>;
}
