import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { NeverloseOidcError } from '../errors.js';

const HASH_OF_ALG: Record<string, string> = {
  RS256: 'sha256',
  PS256: 'sha256',
  ES256: 'sha256',
  RS384: 'sha384',
  PS384: 'sha384',
  ES384: 'sha384',
  RS512: 'sha512',
  PS512: 'sha512',
  ES512: 'sha512',
  EdDSA: 'sha512',
  Ed25519: 'sha512',
};

/**
 * @internal How far in the future an id_token's `iat` may be, in seconds, for clocks that drift:
 * the tolerance openid-client applies to `exp` and `nbf`.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

function invalid(message: string, cause?: unknown): never {
  throw new NeverloseOidcError('ERR_ID_TOKEN_INVALID', `The id_token was refused: ${message}.`, {
    cause,
  });
}

/**
 * @internal The `at_hash` of an access token: the left half of its hash under the id_token's
 * algorithm, base64url (OIDC Core §3.1.3.6).
 */
export function accessTokenHash(accessToken: string, alg: string): string {
  const hashName = HASH_OF_ALG[alg];
  if (hashName === undefined) invalid(`algorithm "${alg}" is not accepted`);
  const digest = createHash(hashName).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * @internal Checks of the id_token that openid-client leaves out: an asymmetric signing algorithm
 * (never `none`, never a MAC keyed with the client secret), an `iat` that is not in the future
 * (beyond {@link CLOCK_TOLERANCE_SECONDS}; openid-client only checks its type), and `at_hash`,
 * when present, bound to the access token that came with it. The other claims (`iss`, `aud`,
 * `exp`, `nonce`) and the signature are checked by openid-client before this runs.
 *
 * @param now The current time, in milliseconds since the epoch.
 */
export function checkIdToken(
  idToken: string,
  accessToken: string,
  claims: { readonly iat?: unknown; readonly at_hash?: unknown } | undefined,
  now: number,
): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(idToken).alg;
  } catch (error) {
    invalid('its header cannot be read', error);
  }
  if (typeof alg !== 'string' || HASH_OF_ALG[alg] === undefined) {
    invalid(`algorithm "${String(alg)}" is not accepted (asymmetric signatures only)`);
  }
  const iat = claims?.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) invalid('"iat" is missing');
  if (iat > Math.floor(now / 1000) + CLOCK_TOLERANCE_SECONDS) {
    invalid(`"iat" is in the future (${iat}, more than ${CLOCK_TOLERANCE_SECONDS} s ahead)`);
  }
  const atHash = claims?.at_hash;
  if (atHash === undefined) return;
  if (typeof atHash !== 'string') invalid('"at_hash" is not a string');
  const expected = Buffer.from(accessTokenHash(accessToken, alg));
  const actual = Buffer.from(atHash);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    invalid('"at_hash" does not match the access token');
  }
}
