import { base64url } from 'jose';
import { NeverloseOidcError } from '../../errors.js';

// The core checks at_hash with node:crypto, synchronously, inside completeAuthorization. The
// framework adapters run where only Web Crypto exists (edge runtimes, Workers), after the
// framework has done the token exchange, so they check it here, asynchronously.

const HASH_OF_ALG: Readonly<Record<string, string>> = {
  RS256: 'SHA-256',
  PS256: 'SHA-256',
  ES256: 'SHA-256',
  RS384: 'SHA-384',
  PS384: 'SHA-384',
  ES384: 'SHA-384',
  RS512: 'SHA-512',
  PS512: 'SHA-512',
  ES512: 'SHA-512',
};

/**
 * @internal Checks the id_token's `at_hash`, when present, against the access token that came
 * with it (OIDC Core §3.1.3.6). Throws `ERR_ID_TOKEN_INVALID`.
 */
export async function checkAtHash(
  atHash: unknown,
  accessToken: string,
  alg: string | undefined,
): Promise<void> {
  if (atHash === undefined) return;
  const hash = alg === undefined ? undefined : HASH_OF_ALG[alg];
  if (typeof atHash !== 'string' || hash === undefined) {
    throw new NeverloseOidcError(
      'ERR_ID_TOKEN_INVALID',
      `The id_token was refused: "at_hash" cannot be checked (algorithm ${JSON.stringify(alg ?? null)}).`,
    );
  }
  const digest = new Uint8Array(
    await crypto.subtle.digest(hash, new TextEncoder().encode(accessToken)),
  );
  const expected = base64url.encode(digest.subarray(0, digest.length / 2));
  // Both values are public once the token is issued: no timing-safe comparison is needed.
  if (expected !== atHash) {
    throw new NeverloseOidcError(
      'ERR_ID_TOKEN_INVALID',
      'The id_token was refused: "at_hash" does not match the access token.',
    );
  }
}
