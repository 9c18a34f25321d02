import type { AuthorizationTransaction } from './transaction.js';

/**
 * Where transactions wait between `startAuthorization` and the callback, keyed by `state` so
 * that several tabs can log in at once. Implement it over Redis, a database or a session.
 *
 * Rules for an implementation:
 * - `take` is atomic: it returns the transaction and deletes it in one step, so a replayed
 *   callback finds nothing (Redis: `GETDEL`).
 * - Entries expire after `ttl` milliseconds, and the store is bounded (a cap on entries or
 *   memory), since anyone can start a login. When full, `set` throws an error whose `code` is
 *   `'ERR_TRANSACTION_STORE_FULL'` (callers answer 503) rather than evicting a pending login:
 *   evicting would let anyone cancel other users' logins by starting many.
 *
 * @example
 * ```ts
 * const redisStore: TransactionStore = {
 *   async set(state, tx, ttl) { await redis.set(`nl:tx:${state}`, JSON.stringify(tx), 'PX', ttl); },
 *   async take(state) {
 *     const json = await redis.getdel(`nl:tx:${state}`);
 *     return json === null ? undefined : JSON.parse(json);
 *   },
 * };
 * ```
 */
export interface TransactionStore {
  /** Keeps `transaction` under `state` for `ttl` milliseconds. */
  set(state: string, transaction: AuthorizationTransaction, ttl: number): Promise<void>;
  /** Returns the transaction kept under `state` and deletes it, or `undefined`. */
  take(state: string): Promise<AuthorizationTransaction | undefined>;
}
