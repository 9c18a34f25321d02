import type { Awaitable } from '../journal/journal.js';

/**
 * Records accepted reseller checkout tokens for `acceptResellerOrder`: the first acceptance of a
 * token is told from a retry of it, which resumes the order instead of taking a second payment.
 *
 * The contract every implementation keeps:
 * - `consume` is atomic across every process sharing the store (a Redis `SET NX`, a unique index):
 *   of two concurrent calls with one id, exactly one returns `true`.
 * - A consumed id is remembered at least until `expiresAt`, which is the last instant any verifier
 *   accepts the token (its `exp` plus the verifier's clock tolerance), not merely its `exp`:
 *   forgetting it earlier lets the same token be accepted a second time. It may be forgotten after.
 * - The id is opaque: `acceptResellerOrder` passes one canonical id per token, however the
 *   token was spelled.
 */
export interface SingleUseTokenStore {
  /**
   * Records the token and returns `true`, or returns `false` when it was recorded before.
   *
   * @param tokenId The token's canonical id (`ResellerOrder.tokenId`): 64 hex characters.
   * @param expiresAt The last instant a verifier accepts the token, in seconds since the epoch
   *   (`exp` + clock tolerance): remember the id at least until then.
   */
  consume(tokenId: string, expiresAt: number): Awaitable<boolean>;
}

/**
 * An in-process {@link SingleUseTokenStore}: forgets on restart, not shared between processes. Use
 * `openSqliteSingleUseTokenStore` (one instance) or `RedisSingleUseTokenStore` (several) in production.
 *
 * @example
 * ```ts
 * const used = new MemorySingleUseTokenStore();
 * const { order, resumed } = await acceptResellerOrder(token, apiKey, { integrationId: 100, store: used });
 * ```
 */
export class MemorySingleUseTokenStore implements SingleUseTokenStore {
  readonly #expiries = new Map<string, number>();
  readonly #now: () => number;

  /** @param now Clock in milliseconds, for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  consume(tokenId: string, expiresAt: number): boolean {
    const now = this.#now() / 1000;
    // Kept while `now <= expiresAt`: up to the last instant the verifier accepts the token.
    for (const [id, expiry] of this.#expiries) if (expiry < now) this.#expiries.delete(id);
    if (this.#expiries.has(tokenId)) return false;
    this.#expiries.set(tokenId, expiresAt);
    return true;
  }
}
