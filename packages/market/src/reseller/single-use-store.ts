import type { Awaitable } from '../journal/journal.js';

/**
 * Remembers fulfilled reseller tokens so one cannot be fulfilled twice. `consume` must be atomic
 * across every process sharing the store (a Redis `SET NX EXAT`, a unique index).
 */
export interface SingleUseTokenStore {
  /**
   * Records the token and returns `true`, or returns `false` when it was recorded before.
   *
   * @param tokenId SHA-256 of the token, hex.
   * @param expiresAt When the token expires (seconds since the epoch): it may be forgotten after.
   */
  consume(tokenId: string, expiresAt: number): Awaitable<boolean>;
}

/**
 * An in-process {@link SingleUseTokenStore}: forgets on restart, not shared between processes.
 *
 * @example
 * ```ts
 * const used = new MemorySingleUseStore();
 * const order = await verifyResellerToken(token, apiKey, { singleUseStore: used });
 * ```
 */
export class MemorySingleUseStore implements SingleUseTokenStore {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;

  /** @param now Clock in milliseconds, for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  consume(tokenId: string, expiresAt: number): boolean {
    const now = this.#now() / 1000;
    for (const [id, expiry] of this.#expiries) if (expiry < now) this.#expiries.delete(id);
    if (this.#expiries.has(tokenId)) return false;
    this.#expiries.set(tokenId, expiresAt);
    return true;
  }
}
