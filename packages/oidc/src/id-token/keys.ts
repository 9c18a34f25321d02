import {
  compactVerify,
  createRemoteJWKSet,
  customFetch,
  type ExportedJWKSCache,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
  jwksCache,
} from 'jose';
import type { DiagnosticSink } from '../diagnostics/sink.js';
import type { FetchImplementation } from '../options.js';
import type { CachedJwks } from '../provider-cache.js';

/** @internal How long a fetched JWK Set is used before it is fetched again: 5 minutes. */
export const JWKS_MAX_AGE = 5 * 60 * 1000;

/**
 * @internal The least time between two fetches of the JWK Set forced by an id_token whose key
 * the cached set does not hold: 10 seconds.
 */
export const UNKNOWN_KID_REFETCH_INTERVAL = 10_000;

/** @internal The provider's signing keys, from its `jwks_uri`. */
export interface ProviderKeys {
  /**
   * Checks the signature of a compact JWS with one of the keys, for one of `algorithms`.
   * Rejects with jose's errors (`ERR_JWKS_NO_MATCHING_KEY`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`,
   * `ERR_JWKS_TIMEOUT`...) or `fetch`'s.
   */
  verify(jws: string, algorithms: readonly string[]): Promise<void>;
  /** The JWK Set as last fetched (or seeded), for `exportProviderCache`; `undefined` before. */
  exported(): CachedJwks | undefined;
}

/**
 * @internal The JWK Set at `jwksUri`, fetched on first use and again once older than
 * {@link JWKS_MAX_AGE}; `seed` (from a provider cache) stands for a fetch made at its `fetchedAt`.
 *
 * A key rotation: the provider starts signing with a key the cached set does not hold.
 * openid-client fetches the set again for an unknown `kid` only when its copy is a minute old, so
 * every login in that minute fails; and it checks the signature after the code is spent, so the
 * login cannot be retried. Here an unknown `kid` fetches the set at once, then at most once per
 * {@link UNKNOWN_KID_REFETCH_INTERVAL}; logins that meet a fetch under way wait for it. It is safe:
 * the id_token comes from the token endpoint over TLS, in exchange for a code, the client's
 * credentials and the PKCE verifier, so nobody can send unknown `kid`s to make the app fetch, and
 * a provider that keeps signing with a key it does not publish costs one fetch per interval.
 */
export function providerKeys(
  jwksUri: string,
  options: {
    readonly fetch: FetchImplementation | undefined;
    readonly timeout: number;
    readonly events: DiagnosticSink;
    readonly seed?: CachedJwks | undefined;
  },
): ProviderKeys {
  const { events, seed } = options;
  // jose reads the seed if it is young enough, and writes every fetch back into this object.
  const cache: JWKSCacheInput =
    seed === undefined
      ? {}
      : {
          uat: seed.fetchedAt,
          jwks: { keys: structuredClone(seed.keys) as JSONWebKeySet['keys'] },
        };
  let fetched = seed !== undefined;
  let forcing = false;
  let lastForced = Number.NEGATIVE_INFINITY;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const observed = async (url: string, init: RequestInit): Promise<Response> => {
    const why = forcing ? 'unknown-kid' : fetched ? 'expired' : 'first-use';
    forcing = false;
    const started = Date.now();
    try {
      const response = await fetchImpl(url, init);
      fetched ||= response.ok;
      if (events.active) {
        events.emit({
          type: 'oidc:jwks',
          reason: why,
          durationMs: Date.now() - started,
          status: response.status,
        });
      }
      return response;
    } catch (error) {
      if (events.active)
        events.emit({ type: 'oidc:jwks', reason: why, durationMs: Date.now() - started });
      throw error;
    }
  };
  const remote = createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: options.timeout,
    cacheMaxAge: JWKS_MAX_AGE,
    // Never on its own for an unknown kid: `key` below decides when.
    cooldownDuration: Number.POSITIVE_INFINITY,
    [customFetch]: observed,
    [jwksCache]: cache,
  });

  const key: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
      if (!remote.reloading) {
        const now = Date.now();
        if (now - lastForced < UNKNOWN_KID_REFETCH_INTERVAL) throw error;
        lastForced = now;
        forcing = true;
      }
      // Starts the fetch, or joins the one another login started.
      await remote.reload();
      return remote(header, token);
    }
  };

  return {
    async verify(jws, algorithms) {
      await compactVerify(jws, key, { algorithms: [...algorithms] });
    },
    exported() {
      const { uat, jwks } = cache as Partial<ExportedJWKSCache>;
      if (uat === undefined || jwks === undefined) return undefined;
      return { uri: jwksUri, keys: structuredClone(jwks.keys), fetchedAt: uat };
    },
  };
}
