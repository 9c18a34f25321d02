import type { Server } from 'node:http';

export interface ProviderBehaviour {
  /** Redirect back with error=access_denied. */
  deny: boolean;
  /** The RFC 9207 `iss` callback parameter. */
  issParameter: 'correct' | 'wrong' | 'absent';
  /**
   * Whether discovery says `authorization_response_iss_parameter_supported: true`;
   * `undefined`: as the `announceIss` option says.
   */
  announceIss: boolean | undefined;
  /** The `state` of the callback: the request's, none, or another value. */
  stateParameter: 'echo' | 'absent' | 'wrong';
  /**
   * The discovery document: as it should be, naming another issuer (which the provider then also
   * puts in its id_tokens and `iss` parameter, as a provider lying about its identity would), or
   * without `jwks_uri`.
   */
  discovery: 'valid' | 'issuer-mismatch' | 'no-jwks-uri';
  /** The JWK Set: the keys that sign, or those and one more that signs nothing. */
  jwks: 'signing-keys' | 'extra-key';
  /** How the id_token is made. */
  idToken:
    | 'valid'
    | 'absent'
    | 'wrong-aud'
    | 'wrong-iss'
    | 'wrong-nonce'
    | 'wrong-at-hash'
    | 'alg-none'
    | 'bad-signature'
    /** Signed with a key whose kid the JWKS never lists. */
    | 'unknown-kid'
    | 'expired'
    /** Issued an hour from now. */
    | 'iat-future'
    /** Issued 20 s from now: within the clock tolerance. */
    | 'iat-skewed'
    | 'missing-sub'
    | 'missing-iat'
    | 'missing-nonce'
    /** Signed with the current key, its header naming no `kid`. */
    | 'kid-absent'
    /** HS256, keyed with the client secret. */
    | 'hs256-client-secret';
  /** A `sub` for userinfo other than the id_token's. */
  userinfoSub: string | undefined;
  /** An OAuth error code for the token endpoint to answer with. */
  tokenError: string | undefined;
  /**
   * The token endpoint fails otherwise: a 500, a 200 whose body is not JSON, or no answer for a
   * minute.
   */
  tokenFailure: 'server-error' | 'invalid-json' | 'hang' | undefined;
  /** How long the token endpoint waits before it answers (as it would otherwise), in ms. */
  tokenDelayMs: number;
  /** The userinfo status code. */
  userinfoStatus: number;
  /** The status code of the JWKS endpoint. */
  jwksStatus: number;
  /** Delay of every answer, in ms. */
  delayMs: number;
}

export interface ProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** The April 2025 provider: no discovery, no JWKS, no id_token. */
  legacy?: boolean;
  /** Discovery says `authorization_response_iss_parameter_supported: true` (RFC 9207). */
  announceIss?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  behaviour: ProviderBehaviour;
  log: { method: string | undefined; path: string }[];
  server: Server;
  /**
   * Signs from now on with a new key, published beside the old ones (a key rotation).
   * @returns the new key's `kid`.
   */
  rotateSigningKey(): Promise<string>;
  close(): Promise<void>;
}

export { USER } from './user.mjs';
export declare function defaultBehaviour(): ProviderBehaviour;
export declare function startProvider(options?: ProviderOptions): Promise<TestProvider>;
export declare function authorize(authorizationUrl: URL | string): Promise<string>;
