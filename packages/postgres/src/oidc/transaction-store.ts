import type { AuthorizationTransaction, TransactionStore } from 'neverlose-oidc';
import { type PostgresQueryable, run } from '../client.js';
import { invalidArgument } from '../errors.js';
import {
  clockOption,
  type PostgresAdapterOptions,
  positiveIntegerOption,
  tableNames,
} from '../options.js';
import { deleteExpired, Sweeper } from '../sweeper.js';

/** Options of {@link PostgresTransactionStore}. */
export interface PostgresTransactionStoreOptions extends PostgresAdapterOptions {
  /**
   * Most logins kept in flight (anyone can start one, so the table must be bounded). The oldest
   * are deleted first, by the sweep that runs every `sweepEvery` writes: between two sweeps the
   * table may hold up to `sweepEvery` more per instance.
   *
   * @defaultValue `100_000`
   */
  readonly maxEntries?: number;
  /**
   * Every how many `set`s expired transactions are deleted and the table is cut to `maxEntries`
   * (also on the first).
   *
   * @defaultValue `64`
   */
  readonly sweepEvery?: number;
}

/**
 * A `neverlose-oidc` {@link TransactionStore} in PostgreSQL, so a login started on one instance
 * completes on another, and survives a restart in between. `take` is one
 * `DELETE ... RETURNING`: of two callbacks replaying one `state`, exactly one gets the
 * transaction. Entries expire with their TTL; the store bounds itself (`maxEntries`).
 *
 * Logins in flight are not money: this store does not insist on a durable server.
 *
 * @example
 * ```ts
 * const store = new PostgresTransactionStore(pool, { maxEntries: 100_000 });
 * await store.set(transaction.state, transaction, 10 * 60_000);
 * ```
 */
export class PostgresTransactionStore implements TransactionStore {
  readonly #client: PostgresQueryable;
  readonly #table: string;
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #sweeper: Sweeper;

  constructor(client: PostgresQueryable, options: PostgresTransactionStoreOptions = {}) {
    this.#client = client;
    this.#table = tableNames(options).transactions;
    this.#now = clockOption(options.now);
    this.#maxEntries = positiveIntegerOption('maxEntries', options.maxEntries ?? 100_000);
    this.#sweeper = new Sweeper(positiveIntegerOption('sweepEvery', options.sweepEvery ?? 64), () =>
      this.sweep(),
    );
  }

  async set(state: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    checkState(state);
    if (!Number.isFinite(ttl) || ttl <= 0)
      invalidArgument('Invalid "ttl": must be a positive number of milliseconds.');
    const now = this.#now();
    await run(
      this.#client,
      `INSERT INTO ${this.#table} (state, transaction, created_at, expires_at)
       VALUES ($1, $2::jsonb, to_timestamp($3::float8 / 1000), to_timestamp($4::float8 / 1000))
       ON CONFLICT (state) DO UPDATE
         SET transaction = EXCLUDED.transaction, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
      [state, JSON.stringify(transaction), now, now + Math.ceil(ttl)],
    );
    await this.#sweeper.afterWrite();
  }

  async take(state: string): Promise<AuthorizationTransaction | undefined> {
    checkState(state);
    const [row] = await run(
      this.#client,
      `DELETE FROM ${this.#table} WHERE state = $1
       RETURNING transaction, expires_at > to_timestamp($2::float8 / 1000) AS live`,
      [state, this.#now()],
    );
    if (row === undefined || row['live'] !== true) return undefined;
    const value = row['transaction'];
    return (typeof value === 'string' ? JSON.parse(value) : value) as AuthorizationTransaction;
  }

  /**
   * Deletes expired transactions (up to 1000), then the oldest beyond `maxEntries`; `set` does
   * this by itself every `sweepEvery` calls.
   *
   * @returns How many were deleted.
   */
  async sweep(): Promise<number> {
    const expired = await deleteExpired(this.#client, this.#table, this.#now());
    const evicted = await run(
      this.#client,
      `DELETE FROM ${this.#table} WHERE state IN (
         SELECT state FROM ${this.#table} ORDER BY created_at DESC OFFSET $1)
       RETURNING 1`,
      [this.#maxEntries],
    );
    return expired + evicted.length;
  }
}

function checkState(state: string): void {
  if (typeof state !== 'string' || state === '' || state.length > 512) {
    invalidArgument('Invalid "state": must be a non-empty string of at most 512 characters.');
  }
}
