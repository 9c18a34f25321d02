import { NeverloseOidcError } from './errors.js';

/**
 * The provider's JWK Set as a client last fetched it: its URL, its public keys, and when.
 */
export interface CachedJwks {
  /** The `jwks_uri` the keys came from. */
  readonly uri: string;
  /** The public keys, as the provider published them. */
  readonly keys: readonly Readonly<Record<string, unknown>>[];
  /** When they were fetched, in milliseconds since the epoch. */
  readonly fetchedAt: number;
}

/**
 * What a client learned from the provider: its discovery document and its JWK Set. Plain JSON:
 * keep it where the next process finds it (a Worker's KV, a Lambda's environment) and pass it to
 * `createNeverloseClient({ providerCache })`, which then makes no discovery request, and no JWK
 * Set request while the keys are younger than 5 minutes (an id_token signed with a key they do not
 * hold still fetches the set at once: a key rotation costs one fetch).
 *
 * Only trusted code may write it: its keys are trusted to verify id_tokens.
 */
export interface ProviderCache {
  /** Format version. */
  readonly v: 1;
  /** The issuer it belongs to. */
  readonly issuer: string;
  /** The discovery document; absent for a client with static `endpoints`. */
  readonly discovery?: Readonly<Record<string, unknown>>;
  /** The JWK Set, once fetched. */
  readonly jwks?: CachedJwks;
}

/** Key members that only a private or symmetric key has: never in a provider's JWK Set. */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** More keys than a provider publishes: a value this long was not exported by a client. */
const MAX_KEYS = 100;

function refuse(rule: string): never {
  throw new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "providerCache": ${rule}.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @internal Checks a `providerCache` option before anything uses it: the shape `exportProviderCache`
 * gives, for this issuer, and only public keys. The discovery document is checked further, with
 * the rules of a fetched one, when the client is created.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the rule.
 */
export function checkProviderCache(
  value: unknown,
  issuer: string,
  mode: 'discovery' | 'static',
): ProviderCache {
  if (!isRecord(value)) refuse('must be an object made by client.exportProviderCache()');
  if (value.v !== 1) refuse('unknown format version ("v" must be 1)');
  if (value.issuer !== issuer) {
    refuse(`it belongs to the issuer ${JSON.stringify(value.issuer)}, not ${issuer}`);
  }
  const { discovery, jwks } = value;
  if (discovery !== undefined) {
    if (mode === 'static') refuse('a client with static endpoints takes no discovery document');
    if (!isRecord(discovery)) refuse('"discovery" must be an object');
  }
  if (jwks !== undefined) {
    if (!isRecord(jwks)) refuse('"jwks" must be an object');
    if (typeof jwks.uri !== 'string' || !URL.canParse(jwks.uri)) {
      refuse('"jwks.uri" must be an absolute URL');
    }
    if (!Array.isArray(jwks.keys) || jwks.keys.length > MAX_KEYS) {
      refuse(`"jwks.keys" must be an array of at most ${MAX_KEYS} keys`);
    }
    for (const key of jwks.keys) {
      if (!isRecord(key) || typeof key.kty !== 'string') refuse('"jwks.keys" holds a non-key');
      if (SECRET_MEMBERS.some((member) => member in key)) {
        refuse('"jwks.keys" holds a private or symmetric key: a provider publishes public keys');
      }
    }
    if (typeof jwks.fetchedAt !== 'number' || !Number.isFinite(jwks.fetchedAt)) {
      refuse('"jwks.fetchedAt" must be a time in milliseconds since the epoch');
    }
  }
  return value as unknown as ProviderCache;
}
