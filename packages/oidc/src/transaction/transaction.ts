import { NeverloseOidcError } from '../errors.js';

/**
 * Everything needed to complete one login, created by `startAuthorization`. Plain JSON: store it
 * in a session, Redis or a sealed cookie, and hand it back to `completeAuthorization` with the
 * browser's binding. It holds the PKCE verifier: keep it on the server or sealed, never in a
 * readable cookie or a URL. It holds the hash of the binding, never the binding itself.
 */
export interface AuthorizationTransaction {
  /** Format version of this object. */
  readonly v: 1;
  /** The `state` sent to the provider; absent only when the `no_state` scope was requested. */
  readonly state?: string;
  /** The PKCE `code_verifier`; absent only when the `no_pkce` scope was requested. */
  readonly codeVerifier?: string;
  /** The `nonce` sent to the provider; absent when no id_token is expected. */
  readonly nonce?: string;
  /** The issuer this transaction belongs to. */
  readonly issuer: string;
  /** The client id this transaction belongs to. */
  readonly clientId: string;
  /** The redirect URI sent to the provider; the callback must arrive there. */
  readonly redirectUri: string;
  /** The space-separated scopes requested. */
  readonly scope: string;
  /** When the transaction was created, in milliseconds since the epoch. */
  readonly createdAt: number;
  /** When the transaction stops being accepted, in milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The validated same-origin path to return to after login. */
  readonly returnTo?: string;
  /**
   * The SHA-256 of the browser binding (`binding` of `startAuthorization`), base64url: the login
   * completes only with the binding that hashes to it.
   */
  readonly bindingHash: string;
}

const OPTIONAL_STRINGS = ['state', 'codeVerifier', 'nonce', 'returnTo'] as const;
const REQUIRED_STRINGS = ['issuer', 'clientId', 'redirectUri', 'scope', 'bindingHash'] as const;

/**
 * Checks that a value read back from a session, a store or a cookie is a transaction of this
 * package. A missing value gives `ERR_TRANSACTION_MISSING`, a malformed one too (it cannot be
 * used, whatever wrote it).
 */
export function assertTransaction(value: unknown): asserts value is AuthorizationTransaction {
  const missing = (why: string): never => {
    throw new NeverloseOidcError('ERR_TRANSACTION_MISSING', `No usable login transaction: ${why}.`);
  };
  if (value === undefined || value === null) {
    missing('none was found for this callback (already completed, expired, or never started here)');
  }
  if (typeof value !== 'object' || Array.isArray(value)) missing('it is not an object');
  const tx = value as Record<string, unknown>;
  if (tx.v !== 1) missing('unknown format version');
  for (const key of REQUIRED_STRINGS) {
    if (typeof tx[key] !== 'string' || tx[key] === '') missing(`"${key}" is not a string`);
  }
  if (!URL.canParse(tx.redirectUri as string)) missing('"redirectUri" is not an absolute URL');
  for (const key of OPTIONAL_STRINGS) {
    if (tx[key] !== undefined && typeof tx[key] !== 'string') missing(`"${key}" is not a string`);
  }
  if (!Number.isFinite(tx.createdAt) || !Number.isFinite(tx.expiresAt)) {
    missing('"createdAt" or "expiresAt" is not a number');
  }
}

/** Throws `ERR_TRANSACTION_EXPIRED` when the transaction's lifetime is over. */
export function assertNotExpired(tx: AuthorizationTransaction, now: number): void {
  if (now >= tx.expiresAt) {
    throw new NeverloseOidcError(
      'ERR_TRANSACTION_EXPIRED',
      'The login transaction expired: start the login again.',
    );
  }
}
