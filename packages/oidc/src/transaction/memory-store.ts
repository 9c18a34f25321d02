import { NeverloseOidcError } from '../errors.js';
import type { TransactionStore } from './store.js';
import type { AuthorizationTransaction } from './transaction.js';

/** Options of {@link MemoryTransactionStore}. */
export interface MemoryTransactionStoreOptions {
  /**
   * The most transactions kept at once. When full, expired entries are dropped; if none has
   * expired, a new transaction is refused (`ERR_TRANSACTION_STORE_FULL`) rather than a pending
   * one evicted, so that whoever floods the store with logins cannot cancel other users' logins.
   * Size it above the logins started per transaction lifetime at peak.
   *
   * @defaultValue `10000`
   * @example `50000`
   */
  readonly maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch. For tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/**
 * A bounded in-memory {@link TransactionStore}, keyed by the browser binding. For one process
 * only: behind a load balancer or with several workers, use a shared store (neverlose-redis,
 * neverlose-postgres) or sealed cookies.
 *
 * When it holds `maxEntries` transactions that have not expired, `set` throws
 * `ERR_TRANSACTION_STORE_FULL`: answer 503 with `Retry-After`. A pending login is never evicted
 * to make room, so a flood of started logins delays new logins but cancels none.
 *
 * @example
 * ```ts
 * const store = new MemoryTransactionStore({ maxEntries: 5000 });
 * const { transaction, binding } = await client.startAuthorization();
 * await store.set(binding, transaction, client.transactionTtl);
 * const same = await store.take(binding); // and now it is gone
 * ```
 */
export class MemoryTransactionStore implements TransactionStore {
  readonly #entries = new Map<string, { tx: AuthorizationTransaction; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** No entry expires before this time: a full store need not be swept until then. */
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MemoryTransactionStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new NeverloseOidcError(
        'ERR_INVALID_OPTION',
        'Invalid option "maxEntries": must be a positive integer.',
      );
    }
    this.#maxEntries = max;
    this.#now = options.now ?? Date.now;
  }

  /** How many transactions are kept, expired ones included until they are swept. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Keeps `transaction` under the browser's `binding` for `ttl` milliseconds.
   *
   * @throws {NeverloseOidcError} `ERR_TRANSACTION_STORE_FULL` when `maxEntries` transactions
   *   that have not expired are kept; `ERR_INVALID_ARGUMENT` when `ttl` is not a positive number.
   */
  async set(binding: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    checkBinding(binding);
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        'Invalid argument "ttl": must be a positive number of milliseconds.',
      );
    }
    const now = this.#now();
    this.#entries.delete(binding);
    if (this.#entries.size >= this.#maxEntries && now >= this.#nextExpiry) this.#sweep(now);
    if (this.#entries.size >= this.#maxEntries) {
      throw new NeverloseOidcError(
        'ERR_TRANSACTION_STORE_FULL',
        `Too many logins in progress: ${this.#maxEntries} transactions are pending (maxEntries). Try again in a moment.`,
      );
    }
    const expiresAt = now + ttl;
    this.#entries.set(binding, { tx: transaction, expiresAt });
    this.#nextExpiry = Math.min(this.#nextExpiry, expiresAt);
  }

  async take(binding: string): Promise<AuthorizationTransaction | undefined> {
    checkBinding(binding);
    const entry = this.#entries.get(binding);
    if (entry === undefined) return undefined;
    this.#entries.delete(binding);
    return entry.expiresAt > this.#now() ? entry.tx : undefined;
  }

  /** Drops expired entries, and notes when the next one expires. */
  #sweep(now: number): void {
    let nextExpiry = Number.POSITIVE_INFINITY;
    for (const [binding, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(binding);
      else nextExpiry = Math.min(nextExpiry, entry.expiresAt);
    }
    this.#nextExpiry = nextExpiry;
  }
}

function checkBinding(binding: unknown): void {
  if (typeof binding !== 'string' || binding === '') {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      'Invalid argument "binding": must be the binding startAuthorization returned (a non-empty string).',
    );
  }
}
