import * as oidc from 'openid-client';
import type { DiagnosticSink } from './diagnostics/sink.js';
import { NeverloseOidcError } from './errors.js';
import { type ProviderKeys, providerKeys } from './id-token/keys.js';
import { statusOf, toNeverloseError } from './lib/openid-errors.js';
import type { ClientAuthenticationMethod } from './options.js';
import type { ResolvedOptions } from './validate-options.js';

/** @internal An openid-client configuration and what this package derived about the provider. */
export interface ProviderConfiguration {
  readonly config: oidc.Configuration;
  /** The issuer every transaction is bound to. */
  readonly issuer: string;
  /**
   * The provider's signing keys (its `jwks_uri`). When present, the token response must carry an
   * id_token signed with one of them, and a nonce is sent; absent in static mode without `jwks`.
   */
  readonly keys: ProviderKeys | undefined;
  /**
   * Whether every callback must carry `iss` (RFC 9207): the discovery document says
   * `authorization_response_iss_parameter_supported: true`.
   */
  readonly issRequired: boolean;
  readonly mode: 'discovery' | 'static';
  /** Where this client's events go. */
  readonly events: DiagnosticSink;
}

function authenticate(
  method: ClientAuthenticationMethod,
  secret: string | undefined,
): oidc.ClientAuth {
  switch (method) {
    case 'client_secret_basic':
      return oidc.ClientSecretBasic(secret);
    case 'client_secret_post':
      return oidc.ClientSecretPost(secret);
    default:
      return oidc.None();
  }
}

/**
 * With a secret and no explicit method: `client_secret_basic` (which every OAuth server must
 * accept, RFC 6749 §2.3.1) unless the discovery document lists only `client_secret_post`.
 */
function lazyAuthentication(secret: string): oidc.ClientAuth {
  const basic = oidc.ClientSecretBasic(secret);
  const post = oidc.ClientSecretPost(secret);
  return (as, client, body, headers) => {
    const supported = as.token_endpoint_auth_methods_supported;
    const usePost =
      Array.isArray(supported) &&
      !supported.includes('client_secret_basic') &&
      supported.includes('client_secret_post');
    (usePost ? post : basic)(as, client, body, headers);
  };
}

function adaptFetch(options: ResolvedOptions): oidc.CustomFetch | undefined {
  const fetchImpl = options.fetch;
  if (fetchImpl === undefined) return undefined;
  return (url, init) => fetchImpl(url, init as RequestInit);
}

/**
 * @internal Builds the openid-client configuration: by discovery, or from static endpoints.
 * id_token signatures are checked by {@link providerKeys}, not by openid-client (see there why).
 */
export async function createConfiguration(
  options: ResolvedOptions,
  events: DiagnosticSink,
): Promise<ProviderConfiguration> {
  const clientAuth =
    options.clientAuthentication === undefined
      ? lazyAuthentication(options.clientSecret!)
      : authenticate(options.clientAuthentication, options.clientSecret);
  const metadata: Partial<oidc.ClientMetadata> =
    options.clientSecret === undefined ? {} : { client_secret: options.clientSecret };
  const customFetch = adaptFetch(options);
  const cache = options.providerCache;
  const keysAt = (jwksUri: string) => {
    if (cache?.jwks !== undefined && cache.jwks.uri !== jwksUri) {
      throw new NeverloseOidcError(
        'ERR_INVALID_OPTION',
        `Invalid option "providerCache": its keys come from ${cache.jwks.uri}, not from the provider's jwks_uri ${jwksUri}.`,
      );
    }
    return providerKeys(jwksUri, {
      fetch: options.fetch,
      timeout: options.timeout,
      events,
      seed: cache?.jwks,
    });
  };

  if (options.endpoints !== undefined) {
    const { endpoints } = options;
    const server: oidc.ServerMetadata = {
      issuer: options.issuer,
      authorization_endpoint: endpoints.authorization,
      token_endpoint: endpoints.token,
      userinfo_endpoint: endpoints.userinfo,
      ...(endpoints.jwks === undefined ? {} : { jwks_uri: endpoints.jwks }),
    };
    const config = new oidc.Configuration(server, options.clientId, metadata, clientAuth);
    finishConfiguration(config, options, customFetch);
    if (events.active) events.emit({ type: 'oidc:discovery', mode: 'static', durationMs: 0 });
    return {
      config,
      issuer: options.issuer,
      keys: endpoints.jwks === undefined ? undefined : keysAt(endpoints.jwks),
      issRequired: false,
      mode: 'static',
      events,
    };
  }

  /** The provider of a discovery document, fetched or cached, once it passed the checks. */
  const discovered = (
    config: oidc.Configuration,
    server: Readonly<oidc.ServerMetadata>,
  ): ProviderConfiguration => ({
    config,
    issuer: options.issuer,
    keys: keysAt(server.jwks_uri as string),
    issRequired: server.authorization_response_iss_parameter_supported === true,
    mode: 'discovery',
    events,
  });

  if (cache?.discovery !== undefined) {
    // A document a client fetched before: the same rules as a fetched one, and no request.
    const server = cache.discovery as oidc.ServerMetadata;
    checkDiscovered(server, options, (rule) => {
      throw new NeverloseOidcError(
        'ERR_INVALID_OPTION',
        `Invalid option "providerCache": its discovery document cannot be used: ${rule}.`,
      );
    });
    const config = new oidc.Configuration(server, options.clientId, metadata, clientAuth);
    finishConfiguration(config, options, customFetch);
    if (events.active) {
      events.emit({ type: 'oidc:discovery', mode: 'discovery', durationMs: 0, cached: true });
    }
    return discovered(config, server);
  }

  const started = Date.now();
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(new URL(options.issuer), options.clientId, metadata, clientAuth, {
      ...(customFetch === undefined ? {} : { [oidc.customFetch]: customFetch }),
      timeout: options.timeout / 1000,
      execute: options.allowInsecureHttp ? [oidc.allowInsecureRequests] : [],
    });
    const server = config.serverMetadata();
    checkDiscovered(server, options, (rule) => {
      throw new NeverloseOidcError(
        'ERR_DISCOVERY_FAILED',
        `The discovery document of ${options.issuer} cannot be used: ${rule}.`,
      );
    });
    finishConfiguration(config, options, customFetch);
    if (events.active) {
      events.emit({
        type: 'oidc:discovery',
        mode: 'discovery',
        durationMs: Date.now() - started,
        status: 200,
      });
    }
    return discovered(config, server);
  } catch (thrown) {
    const error = toNeverloseError(thrown, 'discovery');
    if (events.active) {
      const status = statusOf(thrown);
      events.emit({
        type: 'oidc:failed',
        step: 'discovery',
        code: error.code,
        message: error.message,
        durationMs: Date.now() - started,
        ...(status === undefined ? {} : { status }),
      });
    }
    throw error;
  }
}

function finishConfiguration(
  config: oidc.Configuration,
  options: ResolvedOptions,
  customFetch: oidc.CustomFetch | undefined,
): void {
  if (options.allowInsecureHttp) oidc.allowInsecureRequests(config);
  if (customFetch !== undefined) config[oidc.customFetch] = customFetch;
  config.timeout = options.timeout / 1000;
}

/**
 * The rules of a discovery document, fetched or cached: the issuer's (openid-client compares it
 * for a fetched one, and this again), every endpoint and `jwks_uri` there and `https:`, S256.
 */
function checkDiscovered(
  server: Readonly<oidc.ServerMetadata>,
  options: ResolvedOptions,
  refuse: (rule: string) => never,
): void {
  const { issuer } = server;
  if (
    typeof issuer !== 'string' ||
    !URL.canParse(issuer) ||
    new URL(issuer).href !== new URL(options.issuer).href
  ) {
    refuse(`its "issuer" is ${JSON.stringify(issuer)}, not ${options.issuer}`);
  }
  // Discovery mode requires an id_token, and an id_token is only as good as the check of its
  // signature: without "jwks_uri" there is no key to check it with.
  const urls = [
    'authorization_endpoint',
    'token_endpoint',
    'userinfo_endpoint',
    'jwks_uri',
  ] as const;
  for (const key of urls) {
    const value = server[key];
    if (typeof value !== 'string' || !URL.canParse(value)) {
      refuse(
        key === 'jwks_uri'
          ? '"jwks_uri" is missing, so the id_token signature could not be checked'
          : `"${key}" is missing`,
      );
    }
    const { protocol } = new URL(value as string);
    if (protocol !== 'https:' && !(protocol === 'http:' && options.allowInsecureHttp)) {
      refuse(`"${key}" is not an https: URL`);
    }
  }
  const methods = server.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) {
    refuse('"code_challenge_methods_supported" does not include S256');
  }
}
