/**
 * Sessions signed out before they expire. A sealed session cookie cannot be taken back from the
 * browser, nor from whoever copied it: signing out puts the session's id here until the session
 * would have expired, and a revoked session no longer opens.
 *
 * Every instance of the app must see the same revocations: with several instances, use a shared
 * store, `RedisSessionRevocationStore` (neverlose-redis/oidc) or `PostgresSessionRevocationStore`
 * (neverlose-postgres/oidc).
 *
 * Rules for an implementation (`testSessionRevocationStore` of `neverlose-oidc/testing` checks
 * them):
 * - A revocation holds on every instance until `expiresAt`. After it the session has expired
 *   anyway, and the record goes, so the store does not grow with sign-outs; a shared store keeps
 *   it a few minutes longer for instances whose clocks run late (Redis: `SET <prefix><id> 1 PX
 *   <ms left + margin>`, the key expiring on its own).
 * - `revoke` is idempotent: of two revocations of one session, the later `expiresAt` holds.
 * - Calls may fail (throw or reject): the middleware then answers 503, never opens the session.
 */
export interface SessionRevocationStore {
  /**
   * Refuses the session `id` from now until `expiresAt`.
   *
   * @param expiresAt When the session expires anyway, in milliseconds since the epoch.
   */
  revoke(id: string, expiresAt: number): Promise<void> | void;
  /**
   * True when the session was revoked.
   *
   * @param issuedAt When the session was sealed, in milliseconds since the epoch.
   */
  isRevoked(id: string, issuedAt: number): Promise<boolean> | boolean;
}

/** Options of {@link MemorySessionRevocationStore}. */
export interface MemorySessionRevocationStoreOptions {
  /**
   * How many live revocations are held. When as many are held, every session sealed until then
   * is refused instead (everyone signs in again; no revoked session ever opens).
   *
   * @defaultValue `100_000`
   */
  readonly maxEntries?: number;
  /** The clock, in milliseconds since the epoch. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/**
 * Revocations in this process's memory: enough for one instance (see {@link SessionRevocationStore}
 * for several). Bounded: an entry leaves when its session expires, and when `maxEntries` live
 * ones are held, every session sealed until now is refused instead, so the worst a flood of
 * sign-outs can cause is that everyone signs in again, never that a revoked session opens.
 */
export class MemorySessionRevocationStore implements SessionRevocationStore {
  readonly #revoked = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Sessions sealed before this instant are refused (set when the map overflows). */
  #notBefore = 0;

  constructor(options: MemorySessionRevocationStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
      throw new RangeError('Invalid option "maxEntries": must be a positive integer.');
    }
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
  }

  revoke(id: string, expiresAt: number): void {
    const now = this.#now();
    if (this.#revoked.size >= this.#maxEntries) {
      for (const [key, expiry] of this.#revoked) if (expiry <= now) this.#revoked.delete(key);
    }
    if (this.#revoked.size >= this.#maxEntries) {
      this.#revoked.clear();
      this.#notBefore = now + 1;
      return;
    }
    // Of two sign-outs of one session, the later expiry holds.
    this.#revoked.set(id, Math.max(expiresAt, this.#revoked.get(id) ?? expiresAt));
  }

  isRevoked(id: string, issuedAt: number): boolean {
    if (issuedAt < this.#notBefore) return true;
    const expiresAt = this.#revoked.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.#now()) return true;
    // The session has expired: nothing needs refusing any more.
    this.#revoked.delete(id);
    return false;
  }
}
