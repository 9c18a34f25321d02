import { NeverloseOidcError } from '../errors.js';
import { constantTimeEqual, sha256Base64url } from '../lib/web-crypto.js';
import type { TransactionStore } from './store.js';
import { type AuthorizationTransaction, assertTransaction } from './transaction.js';

/**
 * A login transaction and the browser binding it is bound to: what `startAuthorization` returns
 * besides the URL, what a sealed cookie holds, what a session keeps.
 */
export interface BoundTransaction {
  /** The transaction: plain JSON, holding the hash of `binding`. */
  readonly transaction: AuthorizationTransaction;
  /**
   * The browser binding: 32 random bytes, base64url. Only the browser that started the login may
   * hold it: in an HttpOnly cookie (see {@link loginCookie}), in its server session, or sealed
   * in a cookie with the transaction. `completeAuthorization` requires it.
   */
  readonly binding: string;
}

/**
 * The key a shared {@link TransactionStore} keeps a transaction under: the SHA-256 of the browser
 * binding, base64url (43 characters). Whoever reads the store learns the key, not the binding, and
 * cannot present the binding a browser's cookie holds.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_ARGUMENT` when `binding` is not a non-empty string.
 * @example
 * ```ts
 * await redis.set(`nl:tx:${await transactionKey(binding)}`, JSON.stringify(transaction), 'PX', ttl);
 * ```
 */
export async function transactionKey(binding: string): Promise<string> {
  if (typeof binding !== 'string' || binding === '') {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      'Invalid argument "binding": must be the binding startAuthorization returned (a non-empty string).',
    );
  }
  return sha256Base64url(binding);
}

/** Why a callback came without its login's cookie, as a developer meets it most. */
export const MISSING_BINDING_MESSAGE =
  'The callback came without the cookie of its login (the login cookie, or the session cookie that holds the login), so the login cannot be tied to this browser. ' +
  'The cookie was set where the login started, and a browser sends it back to that host only: the app was opened under another host name than its redirect URI ' +
  '(localhost and 127.0.0.1 are two different sites to a browser), or in another browser, or cookies are blocked; or this callback was already used. ' +
  'Open the app at the host of its redirect URI and log in again.';

/**
 * @internal Checks that `binding` is the one `transaction` was started with: present, and hashing
 * to its `bindingHash`. Whatever keeps the transaction (a store, a session, a sealed cookie), this
 * is the one check that ties the callback to the browser that started the login (RFC 9700 §4.7).
 *
 * @throws {NeverloseOidcError} `ERR_TRANSACTION_MISSING` when the binding or the transaction is
 *   absent, `ERR_TRANSACTION_MISMATCH` when the binding is another browser's.
 */
export async function assertBound(
  transaction: unknown,
  binding: unknown,
): Promise<AuthorizationTransaction> {
  if (typeof binding !== 'string' || binding === '') {
    throw new NeverloseOidcError('ERR_TRANSACTION_MISSING', MISSING_BINDING_MESSAGE);
  }
  if (transaction === undefined || transaction === null) {
    throw new NeverloseOidcError(
      'ERR_TRANSACTION_MISSING',
      "No login is in progress for this browser's login cookie: it was already completed (a reloaded or replayed callback), it expired, or the store lost it. Log in again.",
    );
  }
  assertTransaction(transaction);
  if (!constantTimeEqual(await sha256Base64url(binding), transaction.bindingHash)) {
    throw new NeverloseOidcError(
      'ERR_TRANSACTION_MISMATCH',
      'This login was started in another browser: the binding this callback came with is not the one the login was given (a link opened elsewhere, or a forged callback: login CSRF).',
    );
  }
  return transaction;
}
