import { NeverloseOidcError } from '../errors.js';
import type { TransactionStore } from './store.js';
import type { AuthorizationTransaction } from './transaction.js';

/** Options of {@link MemoryTransactionStore}. */
export interface MemoryTransactionStoreOptions {
  /**
   * The most transactions kept at once. When full, expired entries go first, then the oldest.
   *
   * @defaultValue `10000`
   * @example `1000`
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
 * A bounded in-memory {@link TransactionStore}. For one process only: behind a load balancer or
 * with several workers, use a shared store (Redis) or sealed cookies.
 *
 * @example
 * ```ts
 * const store = new MemoryTransactionStore({ maxEntries: 5000 });
 * await store.set(tx.state!, tx, 600_000);
 * const same = await store.take(tx.state!); // and now it is gone
 * ```
 */
export class MemoryTransactionStore implements TransactionStore {
  readonly #entries = new Map<string, { tx: AuthorizationTransaction; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryTransactionStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new NeverloseOidcError(
        'ERR_CONFIGURATION',
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

  async set(state: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    const now = this.#now();
    this.#entries.delete(state);
    if (this.#entries.size >= this.#maxEntries) this.#evict(now);
    this.#entries.set(state, { tx: transaction, expiresAt: now + ttl });
  }

  async take(state: string): Promise<AuthorizationTransaction | undefined> {
    const entry = this.#entries.get(state);
    if (entry === undefined) return undefined;
    this.#entries.delete(state);
    return entry.expiresAt > this.#now() ? entry.tx : undefined;
  }

  #evict(now: number): void {
    for (const [state, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(state);
    }
    // Map iteration is insertion order: the first keys are the oldest.
    for (const state of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(state);
    }
  }
}
