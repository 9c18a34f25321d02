import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { NeverloseOidcError } from '../../errors.js';
import { checkAtHash } from './at-hash.js';

/** Asymmetric algorithms only: never `none`, never a MAC keyed with the client secret. */
const ALGORITHMS = [
  'RS256',
  'PS256',
  'ES256',
  'RS384',
  'PS384',
  'ES384',
  'RS512',
  'PS512',
  'ES512',
];

/** @internal Where the keys that sign id_tokens are: a JWKS URL, or the issuer's discovery. */
export interface KeySource {
  readonly issuer: string;
  readonly jwks?: string;
}

/**
 * @internal Verifies id_tokens for frameworks that do not (or not fully): signature against the
 * issuer's JWK Set, `iss`, `aud`, `exp`, `iat`, an asymmetric algorithm, and `at_hash`. The JWK Set
 * URL is read from discovery on first use and kept; a failed read is retried next time.
 */
export function createIdTokenVerifier(
  source: KeySource,
  clientId: string,
): (idToken: string, accessToken: string) => Promise<JWTPayload> {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    if (keys === undefined) {
      const created = (async () => {
        if (source.jwks !== undefined) return createRemoteJWKSet(new URL(source.jwks));
        const response = await fetch(`${source.issuer}/.well-known/openid-configuration`);
        const document = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
        if (!response.ok || document.issuer !== source.issuer) {
          throw new NeverloseOidcError(
            'ERR_DISCOVERY_FAILED',
            `The discovery document of ${source.issuer} cannot be used to check id_tokens.`,
          );
        }
        if (typeof document.jwks_uri !== 'string' || !URL.canParse(document.jwks_uri)) {
          throw new NeverloseOidcError(
            'ERR_DISCOVERY_FAILED',
            `The discovery document of ${source.issuer} has no "jwks_uri": id_tokens cannot be checked.`,
          );
        }
        return createRemoteJWKSet(new URL(document.jwks_uri));
      })();
      keys = created;
      created.catch(() => {
        if (keys === created) keys = undefined;
      });
    }
    return keys;
  };

  return async (idToken, accessToken) => {
    const jwks = await keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        issuer: source.issuer,
        audience: clientId,
        algorithms: ALGORITHMS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        clockTolerance: 30,
      }));
    } catch (error) {
      throw new NeverloseOidcError(
        'ERR_ID_TOKEN_INVALID',
        `The id_token was refused: ${(error as { message?: unknown }).message ?? 'it cannot be verified'}.`,
        { cause: error },
      );
    }
    await checkAtHash(payload.at_hash, accessToken, decodeProtectedHeader(idToken).alg);
    return payload;
  };
}
