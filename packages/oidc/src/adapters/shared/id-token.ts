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

/** @internal What the adapters read from the discovery document. */
export interface DiscoveredEndpoints {
  readonly jwksUri: string;
  readonly userinfoEndpoint: string;
}

/**
 * @internal Reads `<issuer>/.well-known/openid-configuration` on first use and keeps it; a failed
 * read is retried by the next call. The document's `issuer` must be the one configured.
 */
export function createDiscovery(issuer: string): () => Promise<DiscoveredEndpoints> {
  let pending: Promise<DiscoveredEndpoints> | undefined;
  const refuse = (rule: string): never => {
    throw new NeverloseOidcError(
      'ERR_DISCOVERY_FAILED',
      `The discovery document of ${issuer} cannot be used: ${rule}.`,
    );
  };
  return () => {
    if (pending === undefined) {
      const created = (async () => {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`);
        if (!response.ok) refuse(`it answered HTTP ${response.status}`);
        const document = (await response.json()) as Record<string, unknown>;
        if (document.issuer !== issuer) refuse('its "issuer" is another one');
        const url = (key: string): string => {
          const value = document[key];
          return typeof value === 'string' && URL.canParse(value)
            ? value
            : refuse(`"${key}" is missing`);
        };
        return { jwksUri: url('jwks_uri'), userinfoEndpoint: url('userinfo_endpoint') };
      })();
      pending = created;
      created.catch(() => {
        if (pending === created) pending = undefined;
      });
    }
    return pending;
  };
}

/**
 * @internal Verifies id_tokens for frameworks that do not (or not fully): signature against the
 * issuer's JWK Set (`jwks`, else the discovery document's), `iss`, `aud`, `exp`, `iat`, an
 * asymmetric algorithm, and `at_hash`. The `nonce` is the framework's to check.
 */
export function createIdTokenVerifier(
  issuer: string,
  clientId: string,
  jwksUri: string | (() => Promise<DiscoveredEndpoints>),
): (idToken: string, accessToken: string) => Promise<JWTPayload> {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => {
    keys ??= createRemoteJWKSet(
      new URL(typeof jwksUri === 'string' ? jwksUri : (await jwksUri()).jwksUri),
    );
    return keys;
  };

  return async (idToken, accessToken) => {
    const jwks = await keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        issuer,
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
