import { DEFAULT_SCOPES, NEVERLOSE_ISSUER } from '../../constants.js';
import { NeverloseOidcError } from '../../errors.js';
import type { StaticEndpoints } from '../../options.js';
import { type ResolvedOptions, resolveOptions } from '../../validate-options.js';

/** Options of the Neverlose provider for Auth.js, next-auth and better-auth. */
export interface NeverloseProviderOptions {
  /**
   * The client id Neverlose issued to your app.
   *
   * @example `process.env.NEVERLOSE_CLIENT_ID`
   */
  readonly clientId: string;
  /**
   * The client secret. Keep it out of browsers and logs.
   *
   * @example `process.env.NEVERLOSE_CLIENT_SECRET`
   */
  readonly clientSecret: string;
  /**
   * The issuer to discover (`<issuer>/.well-known/openid-configuration`).
   *
   * @defaultValue `'https://neverlose.cc'`
   */
  readonly issuer?: string;
  /**
   * The scopes to request; must include `openid`. `email` is needed by frameworks that key users
   * on their email (better-auth).
   *
   * @defaultValue `['openid', 'profile', 'email']`
   */
  readonly scopes?: readonly string[];
  /**
   * Static endpoints instead of discovery (the provider's April 2025 docs, `LEGACY_ENDPOINTS`).
   * Without `jwks` no id_token is expected, so no nonce is sent.
   *
   * @defaultValue absent: discovery
   */
  readonly endpoints?: StaticEndpoints;
  /**
   * Timeout of each request to the provider (discovery, token, userinfo, JWK Set), in
   * milliseconds, as the core's `timeout`: the framework's own requests are held to it too (a
   * framework's default is to wait forever, or 3.5 s under next-auth v4). A login whose request
   * takes longer is refused (`ERR_TIMEOUT`).
   *
   * @defaultValue `10000`
   * @example `5000`
   */
  readonly timeout?: number;
  /**
   * Allow an `http:` issuer and endpoints: the local emulator only.
   *
   * @defaultValue `false`
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/** @internal The options, checked with the core's rules (the message names the field). */
export interface ResolvedProviderOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
  readonly scope: string;
  readonly endpoints: StaticEndpoints | undefined;
  /** The same options as the core holds them, for its configuration and checks. */
  readonly core: ResolvedOptions;
}

/**
 * @internal The environment variables the docs of an adapter tell users to set, named by the
 * error of an option that is missing (the usual cause: a variable unset where the app runs).
 */
export interface OptionVariables {
  readonly clientId: string;
  readonly clientSecret: string;
}

function missing(field: string, value: unknown, variable: string): never {
  const got = value === '' ? 'an empty string' : String(value);
  throw new NeverloseOidcError(
    'ERR_INVALID_OPTION',
    `Invalid option "${field}": must be a non-empty string; got ${got}: set ${variable}.`,
  );
}

/**
 * @internal Checks the options with the core's validation (the message names the field, and the
 * environment variable of a missing one).
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION`.
 */
export function resolveProviderOptions(
  options: NeverloseProviderOptions | undefined,
  variables: OptionVariables,
): ResolvedProviderOptions {
  const given = (options ?? {}) as Partial<NeverloseProviderOptions>;
  if (given.clientId === undefined || given.clientId === null || given.clientId === '') {
    missing('clientId', given.clientId, variables.clientId);
  }
  if (
    given.clientSecret === undefined ||
    given.clientSecret === null ||
    given.clientSecret === ''
  ) {
    missing('clientSecret', given.clientSecret, variables.clientSecret);
  }
  const resolved = resolveOptions({
    clientId: given.clientId,
    clientSecret: given.clientSecret,
    issuer: given.issuer ?? NEVERLOSE_ISSUER,
    scopes: given.scopes ?? DEFAULT_SCOPES,
    ...(given.endpoints === undefined ? {} : { endpoints: given.endpoints }),
    ...(given.timeout === undefined ? {} : { timeout: given.timeout }),
    ...(given.dangerouslyAllowInsecureHttp === undefined
      ? {}
      : { dangerouslyAllowInsecureHttp: given.dangerouslyAllowInsecureHttp }),
  });
  return {
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret as string,
    issuer: resolved.issuer,
    scope: resolved.scopes.join(' '),
    endpoints: resolved.endpoints,
    core: resolved,
  };
}

/**
 * @internal The options, checked on first use rather than when the provider is created, as the
 * frameworks' own providers do: a build (`next build`, a Docker image) imports the auth
 * configuration without the secrets it runs with. A failure is thrown again at every use, so a
 * misconfigured app fails each login with the message, never with something else.
 */
export function lazyProviderOptions(
  options: NeverloseProviderOptions | undefined,
  variables: OptionVariables,
): () => ResolvedProviderOptions {
  let resolved: ResolvedProviderOptions | undefined;
  return () => {
    resolved ??= resolveProviderOptions(options, variables);
    return resolved;
  };
}
