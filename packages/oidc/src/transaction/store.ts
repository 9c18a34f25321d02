import type { AuthorizationTransaction } from './transaction.js';

/**
 * Where transactions wait between `startAuthorization` and the callback, keyed by the browser
 * binding that `startAuthorization` returns beside them. Only the browser that started a login
 * gets its binding (in its login cookie), so only that browser can find the transaction: a
 * callback URL sent to another browser finds nothing and leaves the login in place (login CSRF,
 * RFC 9700 §4.7). Never key a transaction by its `state`: the state travels in URLs.
 *
 * Rules for an implementation:
 * - `take` is atomic: it returns the transaction and deletes it in one step, so a replayed
 *   callback finds nothing (Redis: `GETDEL`).
 * - Entries expire after `ttl` milliseconds, and the store is bounded (a cap on entries or
 *   memory), since anyone can start a login. When full, `set` throws an error whose `code` is
 *   `'ERR_TRANSACTION_STORE_FULL'` (callers answer 503) rather than evicting a pending login:
 *   evicting would let anyone cancel other users' logins by starting many.
 * - A store other processes can read keeps a digest of the binding as its key (SHA-256), not the
 *   binding itself: whoever reads the store must not learn what a browser's cookie holds.
 *
 * @example
 * ```ts
 * const key = (binding: string) => `nl:tx:${createHash('sha256').update(binding).digest('base64url')}`;
 * const redisStore: TransactionStore = {
 *   async set(binding, tx, ttl) { await redis.set(key(binding), JSON.stringify(tx), 'PX', ttl); },
 *   async take(binding) {
 *     const json = await redis.getdel(key(binding));
 *     return json === null ? undefined : JSON.parse(json);
 *   },
 * };
 * ```
 */
export interface TransactionStore {
  /** Keeps `transaction` under the browser's `binding` for `ttl` milliseconds. */
  set(binding: string, transaction: AuthorizationTransaction, ttl: number): Promise<void>;
  /** Returns the transaction kept under `binding` and deletes it, or `undefined`. */
  take(binding: string): Promise<AuthorizationTransaction | undefined>;
}
