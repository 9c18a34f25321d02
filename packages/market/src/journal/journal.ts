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

/** What is written before a request leaves. */
export interface NewJournalEntry {
  /** The caller's business key (an order id), or `id:<request id>` when none was given. */
  readonly key: string;
  /** The request id as JSON text: `"abc"` for a string id, `123` for an integer. */
  readonly requestId: string;
  /** The API method, such as `gift-product`. */
  readonly method: string;
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
 * Durable record of money-moving operations, so that a business key maps to one request id forever
 * and an operation interrupted by a crash can be re-sent with its original id.
 *
 * Adapters must make `begin` atomic (insert if absent, else return the existing entry) and durable
 * before it resolves: the client sends nothing until it has. {@link MemoryJournal} is for tests and
 * single-process scripts; {@link openSqliteJournal} is the durable default.
 */
export interface IdJournal {
  /**
   * Records `entry` as `pending` unless its key exists; returns the entry the key maps to.
   *
   * @throws {JournalError} `ERR_JOURNAL_ID_REUSED` when the request id belongs to another key.
   */
  begin(
    entry: NewJournalEntry,
  ): Awaitable<{ readonly created: boolean; readonly entry: JournalEntry }>;
  /** Marks a pending operation completed. */
  complete(key: string, completion: JournalCompletion): Awaitable<void>;
  /** Marks a pending operation failed with a final API error. */
  fail(key: string, failure: JournalFailure): Awaitable<void>;
  /** The entry of a key, if any. */
  get(key: string): Awaitable<JournalEntry | undefined>;
  /** Every pending operation, oldest first. */
  pending(): Awaitable<readonly JournalEntry[]>;
  /** Releases the storage (closes the database). */
  close?(): Awaitable<void>;
}
