import { base64url, decodeProtectedHeader } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { quote } from '../lib/quote.js';
import { digest, type HashName, utf8 } from '../lib/web-crypto.js';
import type { ProviderKeys } from './keys.js';

/** The asymmetric signature algorithms accepted, with the hash `at_hash` is computed with. */
const HASH_OF_ALG: Readonly<Record<string, HashName>> = {
  RS256: 'SHA-256',
  PS256: 'SHA-256',
  ES256: 'SHA-256',
  RS384: 'SHA-384',
  PS384: 'SHA-384',
  ES384: 'SHA-384',
  RS512: 'SHA-512',
  PS512: 'SHA-512',
  ES512: 'SHA-512',
  EdDSA: 'SHA-512',
  Ed25519: 'SHA-512',
};
const ACCEPTED_ALGORITHMS = Object.freeze(Object.keys(HASH_OF_ALG));

/**
 * @internal How far in the future an id_token's `iat` may be, in seconds, for clocks that drift:
 * the tolerance openid-client applies to `exp` and `nbf`.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

function invalidError(message: string, cause?: unknown): NeverloseOidcError {
  return new NeverloseOidcError('ERR_ID_TOKEN_INVALID', `The id_token was refused: ${message}.`, {
    cause,
  });
}

function invalid(message: string, cause?: unknown): never {
  throw invalidError(message, cause);
}

/**
 * @internal The `at_hash` of an access token: the left half of its hash under the id_token's
 * algorithm, base64url (OIDC Core §3.1.3.6).
 */
export async function accessTokenHash(accessToken: string, alg: string): Promise<string> {
  const hash = Object.hasOwn(HASH_OF_ALG, alg) ? HASH_OF_ALG[alg] : undefined;
  if (hash === undefined) invalid(`algorithm ${quote(alg)} is not accepted`);
  const bytes = await digest(hash, utf8(accessToken));
  return base64url.encode(bytes.subarray(0, bytes.length / 2));
}

/** The error of a signature check that did not pass: the key set's failure, or the token's. */
function signatureError(error: unknown, kid: unknown): NeverloseOidcError {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (code === 'ERR_JWKS_TIMEOUT' || name === 'TimeoutError') {
    return new NeverloseOidcError(
      'ERR_TIMEOUT',
      "The provider's JWK Set (jwks_uri) took longer than the timeout.",
      { cause: error },
    );
  }
  if (name === 'TypeError' && code === undefined) {
    return new NeverloseOidcError(
      'ERR_NETWORK',
      "The provider's JWK Set (jwks_uri) could not be fetched: the provider could not be reached.",
      { cause: error },
    );
  }
  switch (code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return invalidError(
        `no key of the provider's JWK Set matches it (kid ${typeof kid === 'string' ? quote(kid) : 'absent'}), even after fetching the set again`,
        error,
      );
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalidError(
        'several keys of the provider\'s JWK Set match it and it names no "kid"',
        error,
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalidError("its signature does not verify with the provider's key", error);
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return invalidError(
        `the provider's JWK Set (jwks_uri) cannot be used: ${(error as Error).message}`,
        error,
      );
    default:
      return invalidError(
        `its signature could not be checked: ${error instanceof Error ? error.message : 'unknown failure'}`,
        error,
      );
  }
}

/**
 * @internal Checks of the id_token besides those openid-client makes (`iss`, `aud`, `exp`,
 * `nonce`, an algorithm the provider announces): an asymmetric signing algorithm (never `none`,
 * never a MAC keyed with the client secret), the signature against the provider's JWK Set (see
 * {@link providerKeys} for key rotation), an `iat` that is not in the future (beyond
 * {@link CLOCK_TOLERANCE_SECONDS}), and `at_hash`, when present, bound to the access token that
 * came with it.
 *
 * @param now The current time, in milliseconds since the epoch.
 */
export async function checkIdToken(
  idToken: string,
  accessToken: string,
  claims: { readonly iat?: unknown; readonly at_hash?: unknown } | undefined,
  now: number,
  keys: ProviderKeys,
): Promise<void> {
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(idToken);
  } catch (error) {
    invalid('its header cannot be read', error);
  }
  const { alg } = header;
  if (typeof alg !== 'string' || !ACCEPTED_ALGORITHMS.includes(alg)) {
    invalid(`algorithm ${quote(String(alg))} is not accepted (asymmetric signatures only)`);
  }
  try {
    await keys.verify(idToken, ACCEPTED_ALGORITHMS);
  } catch (error) {
    throw signatureError(error, header.kid);
  }
  const iat = claims?.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) invalid('"iat" is missing');
  if (iat > Math.floor(now / 1000) + CLOCK_TOLERANCE_SECONDS) {
    invalid(`"iat" is in the future (${iat}, more than ${CLOCK_TOLERANCE_SECONDS} s ahead)`);
  }
  const atHash = claims?.at_hash;
  if (atHash === undefined) return;
  if (typeof atHash !== 'string') invalid('"at_hash" is not a string');
  // at_hash is not a secret (it travels in the id_token): a plain comparison leaks nothing.
  if ((await accessTokenHash(accessToken, alg)) !== atHash) {
    invalid('"at_hash" does not match the access token');
  }
}
