import { decodeJwt } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { quote } from '../lib/quote.js';
import type { IdTokenClaims } from '../profile.js';
import { CLOCK_TOLERANCE_SECONDS, checkIdToken } from './checks.js';
import type { ProviderKeys } from './keys.js';

function invalid(message: string, cause?: unknown): never {
  throw new NeverloseOidcError('ERR_ID_TOKEN_INVALID', `The id_token was refused: ${message}.`, {
    cause,
  });
}

/**
 * @internal Verifies an id_token that a framework obtained, its token exchange not being the
 * core's (Auth.js, better-auth): {@link checkIdToken}'s checks (an asymmetric algorithm, the
 * signature against the provider's keys, `iat`, `at_hash`), then those openid-client makes in the
 * core: `iss` is the issuer, `aud` holds the client id (and `azp` is it when `aud` holds
 * another), `exp` has not passed (with {@link CLOCK_TOLERANCE_SECONDS}), `sub` is present. The
 * nonce is the framework's to check: it alone holds the transaction.
 *
 * @param now The current time, in milliseconds since the epoch.
 * @returns The claims, once every check passed.
 * @throws {NeverloseOidcError} `ERR_ID_TOKEN_INVALID` naming the check; `ERR_NETWORK` or
 *   `ERR_TIMEOUT` when the JWK Set cannot be fetched.
 */
export async function verifyIdToken(
  idToken: string,
  accessToken: string,
  expected: { readonly issuer: string; readonly clientId: string },
  keys: ProviderKeys,
  now: number,
): Promise<IdTokenClaims> {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(idToken);
  } catch (error) {
    invalid('its payload cannot be read', error);
  }
  // The signature first: no claim is trusted before it verifies.
  await checkIdToken(idToken, accessToken, claims, now, keys);
  const { iss, aud, azp, exp, sub } = claims;
  if (iss !== expected.issuer) {
    invalid(`"iss" is ${typeof iss === 'string' ? quote(iss) : 'missing'}, not the issuer`);
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.clientId)) invalid('"aud" does not name this client');
  if (audiences.length > 1 && azp !== expected.clientId) {
    invalid('"aud" names other clients and "azp" is not this client');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) invalid('"exp" is missing');
  if (exp <= Math.floor(now / 1000) - CLOCK_TOLERANCE_SECONDS) invalid('it expired ("exp")');
  if (typeof sub !== 'string' || sub === '') invalid('"sub" is missing');
  return claims as IdTokenClaims;
}
