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
 * (never `none`, never a MAC keyed with the client secret) and `at_hash`, when present, bound to
 * the access token that came with it. The claims (`iss`, `aud`, `exp`, `iat`, `nonce`) and the
 * signature are checked by openid-client before this runs.
 */
export function checkIdToken(idToken: string, accessToken: string, atHash: unknown): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(idToken).alg;
  } catch (error) {
    invalid('its header cannot be read', error);
  }
  if (typeof alg !== 'string' || HASH_OF_ALG[alg] === undefined) {
    invalid(`algorithm "${String(alg)}" is not accepted (asymmetric signatures only)`);
  }
  if (atHash === undefined) return;
  if (typeof atHash !== 'string') invalid('"at_hash" is not a string');
  const expected = Buffer.from(accessTokenHash(accessToken, alg));
  const actual = Buffer.from(atHash);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    invalid('"at_hash" does not match the access token');
  }
}
