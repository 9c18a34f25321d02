import type { Awaitable } from '../journal/journal.js';

/**
 * Remembers which webhook events were handled, so a redelivered event runs its handler once.
 * Events are identified by `kind` and `unique_id` (ids are unique per kind).
 *
 * `insertIfAbsent` must be atomic across every process sharing the store (a Redis `SET NX EX`, an
 * `INSERT ... ON CONFLICT DO NOTHING`).
 */
export interface WebhookDedupStore {
  /** Records the event and returns `true`, or returns `false` when it is already recorded. */
  insertIfAbsent(kind: string, uniqueId: number, ttlSeconds: number): Awaitable<boolean>;
  /** Forgets the event (its handler failed, so a redelivery must run it again). */
  delete(kind: string, uniqueId: number): Awaitable<void>;
}

/**
 * An in-process {@link WebhookDedupStore}. It forgets everything on restart and is not shared
 * between processes: use a shared store when several instances receive webhooks.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, dedupStore: new MemoryDedupStore(), onEvent });
 * ```
 */
export class MemoryDedupStore implements WebhookDedupStore {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;
  #inserts = 0;

  /** @param now Clock in milliseconds, for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  insertIfAbsent(kind: string, uniqueId: number, ttlSeconds: number): boolean {
    const key = `${kind}:${uniqueId}`;
    const now = this.#now();
    if (++this.#inserts % 1024 === 0) this.#sweep(now);
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.#expiries.set(key, now + ttlSeconds * 1000);
    return true;
  }

  delete(kind: string, uniqueId: number): void {
    this.#expiries.delete(`${kind}:${uniqueId}`);
  }

  /** How many events are remembered (expired ones may linger until the next sweep). */
  get size(): number {
    return this.#expiries.size;
  }

  #sweep(now: number): void {
    for (const [key, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(key);
  }
}
