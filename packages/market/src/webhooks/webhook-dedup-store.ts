import type { Awaitable } from '../journal/journal.js';

/**
 * Where an event stands in a {@link WebhookDedupStore}:
 * - `claimed`: it was free and is now claimed by the caller, who runs its handler;
 * - `processing`: another delivery holds a claim and is running the handler now;
 * - `done`: its handler completed before.
 */
export type DedupClaim = 'claimed' | 'processing' | 'done';

/**
 * Remembers which webhook events were handled, so a redelivered event runs its handler once.
 * Events are identified by `kind` and `unique_id` (ids are unique per kind).
 *
 * Handling is two steps so that no event is lost when deliveries are spread over instances: a
 * delivery `claim`s the event (for a lease), runs the handler, then `complete`s it, or `release`s
 * it if the handler failed. A duplicate that meets a claim is answered 503 (try again later), not
 * 200, since the first delivery may still fail. A claim whose holder died expires with its lease.
 *
 * `claim` must be atomic across every process sharing the store (Redis: a script over `SET NX`;
 * SQL: `INSERT ... ON CONFLICT` plus a check of the existing row).
 */
export interface WebhookDedupStore {
  /** Claims the event for `leaseSeconds` when it is neither claimed nor done. */
  claim(kind: string, uniqueId: number, leaseSeconds: number): Awaitable<DedupClaim>;
  /** Marks a claimed event done, remembered for `ttlSeconds`. */
  complete(kind: string, uniqueId: number, ttlSeconds: number): Awaitable<void>;
  /**
   * Drops a claim (the handler failed), so that a redelivery runs the handler again. An event
   * already completed stays completed.
   */
  release(kind: string, uniqueId: number): Awaitable<void>;
}

/**
 * An in-process {@link WebhookDedupStore}. It forgets everything on restart and is not shared
 * between processes: use a shared store (such as `neverlose-redis`) when several instances
 * receive webhooks.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, dedupStore: new MemoryWebhookDedupStore(), onEvent });
 * ```
 */
export class MemoryWebhookDedupStore implements WebhookDedupStore {
  readonly #entries = new Map<string, { done: boolean; expiresAt: number }>();
  readonly #now: () => number;
  #claims = 0;

  /** @param now Clock in milliseconds, for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  claim(kind: string, uniqueId: number, leaseSeconds: number): DedupClaim {
    const key = `${kind}:${uniqueId}`;
    const now = this.#now();
    if (++this.#claims % 1024 === 0) this.#sweep(now);
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt > now) return entry.done ? 'done' : 'processing';
    this.#entries.set(key, { done: false, expiresAt: now + leaseSeconds * 1000 });
    return 'claimed';
  }

  complete(kind: string, uniqueId: number, ttlSeconds: number): void {
    this.#entries.set(`${kind}:${uniqueId}`, {
      done: true,
      expiresAt: this.#now() + ttlSeconds * 1000,
    });
  }

  release(kind: string, uniqueId: number): void {
    const key = `${kind}:${uniqueId}`;
    // Only a claim: a late release (its lease expired and another delivery completed the event)
    // must not undo the completion.
    if (this.#entries.get(key)?.done === false) this.#entries.delete(key);
  }

  /** How many events are remembered (expired ones may linger until the next sweep). */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
