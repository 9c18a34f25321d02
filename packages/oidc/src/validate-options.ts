import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import {
  DEFAULT_SCOPES,
  DEFAULT_TIMEOUT,
  DEFAULT_TRANSACTION_TTL,
  NEVERLOSE_ISSUER,
} from './constants.js';
import type { NeverloseOidcDiagnostic } from './diagnostics/records.js';
import { NeverloseOidcError } from './errors.js';
import type {
  ClientAuthenticationMethod,
  FetchImplementation,
  NeverloseClientOptions,
  StaticEndpoints,
} from './options.js';
import { checkProviderCache, type ProviderCache } from './provider-cache.js';

/** @internal Options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly redirectUri: string | undefined;
  readonly scopes: readonly string[];
  /** The scopes as the `scope` parameter: space-separated. */
  readonly scope: string;
  /** The `no_state` scope was asked for: no `state` is sent. */
  readonly noState: boolean;
  /** The `no_pkce` scope was asked for: no PKCE challenge is sent. */
  readonly noPkce: boolean;
  readonly issuer: string;
  readonly endpoints: StaticEndpoints | undefined;
  readonly clientAuthentication: ClientAuthenticationMethod | undefined;
  readonly timeout: number;
  readonly transactionTtl: number;
  readonly fetch: FetchImplementation | undefined;
  readonly allowInsecureHttp: boolean;
  readonly onDiagnostic: ((diagnostic: NeverloseOidcDiagnostic) => void) | undefined;
  readonly providerCache: ProviderCache | undefined;
}

const AUTH_METHODS: readonly ClientAuthenticationMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Every option of `createNeverloseClient` (a key missing here does not compile). */
const KNOWN_OPTIONS = Object.keys({
  clientId: true,
  clientSecret: true,
  redirectUri: true,
  scopes: true,
  issuer: true,
  endpoints: true,
  clientAuthentication: true,
  timeout: true,
  transactionTtl: true,
  fetch: true,
  dangerouslyAllowInsecureHttp: true,
  onDiagnostic: true,
  providerCache: true,
} satisfies Record<keyof NeverloseClientOptions, true>);

function fail(field: string, rule: string): never {
  throw new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "${field}": ${rule}.`);
}

/**
 * @internal Checks every option up front and applies the defaults. Throws `ERR_INVALID_OPTION`
 * naming the field and the rule it breaks.
 */
export function resolveOptions(options: NeverloseClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  const unknown = unknownOptionKey(options, KNOWN_OPTIONS, 'createNeverloseClient');
  if (unknown) fail(unknown.key, unknown.rule);
  const allowInsecureHttp = optionalBoolean(
    options.dangerouslyAllowInsecureHttp,
    'dangerouslyAllowInsecureHttp',
  );

  if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
    fail(
      'clientId',
      `must be a non-empty string; got ${described(options.clientId)}${options.clientId === undefined ? ' (read from the environment? set that variable, such as NEVERLOSE_CLIENT_ID)' : ''}`,
    );
  }
  const clientSecret = options.clientSecret;
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
    fail('clientSecret', `must be a non-empty string when given; got ${described(clientSecret)}`);
  }

  const redirectUri =
    options.redirectUri === undefined
      ? undefined
      : checkRedirectUri(options.redirectUri, 'redirectUri', allowInsecureHttp);

  const scopes = options.scopes === undefined ? DEFAULT_SCOPES : checkScopes(options.scopes);
  const issuer = checkEndpoint(options.issuer ?? NEVERLOSE_ISSUER, 'issuer', allowInsecureHttp);
  if (new URL(issuer).search !== '') fail('issuer', 'must not have a query');

  let endpoints: StaticEndpoints | undefined;
  if (options.endpoints !== undefined) {
    const given = options.endpoints;
    if (typeof given !== 'object' || given === null) fail('endpoints', 'must be an object');
    endpoints = {
      authorization: checkEndpoint(
        given.authorization,
        'endpoints.authorization',
        allowInsecureHttp,
      ),
      token: checkEndpoint(given.token, 'endpoints.token', allowInsecureHttp),
      userinfo: checkEndpoint(given.userinfo, 'endpoints.userinfo', allowInsecureHttp),
      ...(given.jwks === undefined
        ? {}
        : { jwks: checkEndpoint(given.jwks, 'endpoints.jwks', allowInsecureHttp) }),
    };
  }

  const method = options.clientAuthentication;
  if (method !== undefined) {
    if (!AUTH_METHODS.includes(method))
      fail('clientAuthentication', `must be one of ${AUTH_METHODS.join(', ')}`);
    if (method !== 'none' && clientSecret === undefined) {
      fail('clientAuthentication', `"${method}" needs the clientSecret option`);
    }
    if (method === 'none' && clientSecret !== undefined) {
      fail(
        'clientAuthentication',
        '"none" cannot be used with a clientSecret: leave one of them out',
      );
    }
  }

  return {
    clientId: options.clientId,
    clientSecret,
    redirectUri,
    scopes,
    scope: scopes.join(' '),
    noState: scopes.includes('no_state'),
    noPkce: scopes.includes('no_pkce'),
    issuer,
    endpoints,
    clientAuthentication: method ?? (clientSecret === undefined ? 'none' : undefined),
    timeout: positiveInteger(options.timeout, 'timeout', DEFAULT_TIMEOUT),
    transactionTtl: positiveInteger(
      options.transactionTtl,
      'transactionTtl',
      DEFAULT_TRANSACTION_TTL,
    ),
    fetch: optionalFunction(options.fetch, 'fetch'),
    allowInsecureHttp,
    onDiagnostic: optionalFunction(options.onDiagnostic, 'onDiagnostic'),
    providerCache:
      options.providerCache === undefined
        ? undefined
        : checkProviderCache(
            options.providerCache,
            issuer,
            endpoints === undefined ? 'discovery' : 'static',
          ),
  };
}

/** What a value that broke a rule was, for the message: never the value of a string (a secret). */
function described(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(field, 'must be a boolean');
  return value;
}

function optionalFunction<F>(value: F | undefined, field: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') fail(field, 'must be a function');
  return value;
}

function positiveInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(field, 'must be a positive integer number of milliseconds');
  }
  return value;
}

function checkScopes(scopes: unknown): readonly string[] {
  if (!Array.isArray(scopes)) fail('scopes', 'must be an array of scope strings');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      fail('scopes', `"${String(scope)}" is not a scope token (RFC 6749 §3.3)`);
    }
  }
  if (!scopes.includes('openid')) {
    fail('scopes', 'must include "openid": without it Neverlose returns no identity');
  }
  return Object.freeze([...new Set(scopes as string[])]);
}

function parseAbsolute(value: unknown, field: string): URL {
  if (typeof value !== 'string' && !(value instanceof URL))
    fail(field, 'must be an absolute URL string');
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    fail(field, 'must be an absolute URL');
  }
  if (url.username !== '' || url.password !== '') fail(field, 'must not contain credentials');
  if (url.hash !== '') fail(field, 'must not have a fragment');
  return url;
}

function checkEndpoint(value: unknown, field: string, allowInsecureHttp: boolean): string {
  const url = parseAbsolute(value, field);
  if (url.protocol === 'http:' && !allowInsecureHttp) {
    fail(field, 'must use https: (set dangerouslyAllowInsecureHttp for a local provider)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(field, 'must be an https: URL');
  return field === 'issuer' ? String(value).replace(/\/+$/, '') : url.href;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** @internal Rules of a redirect URI: absolute, no fragment, https or loopback http. */
export function checkRedirectUri(
  value: unknown,
  field: string,
  allowInsecureHttp: boolean,
): string {
  const url = parseAbsolute(value, field);
  if (url.protocol === 'http:' && !allowInsecureHttp && !LOOPBACK.has(url.hostname)) {
    fail(field, 'must use https: (or http: on localhost)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(field, 'must be an https: URL');
  return url.href;
}

/**
 * Checks client options without creating a client (no discovery request): for frameworks whose
 * setup is synchronous, to fail at startup rather than at the first login.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the field and the rule.
 * @example
 * ```ts
 * validateClientOptions({ clientId: '', redirectUri: 'https://app.example/cb' }); // throws
 * ```
 */
export function validateClientOptions(options: NeverloseClientOptions): void {
  resolveOptions(options);
}
