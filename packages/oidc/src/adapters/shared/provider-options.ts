import { DEFAULT_SCOPES, NEVERLOSE_ISSUER } from '../../constants.js';
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
 * @internal Checks the options once, when the provider is created, with the core's validation:
 * a bad option fails at startup with `ERR_CONFIGURATION`, not at the first login.
 */
export function resolveProviderOptions(options: NeverloseProviderOptions): ResolvedProviderOptions {
  const resolved = resolveOptions({
    clientId: options?.clientId,
    clientSecret: options?.clientSecret,
    issuer: options?.issuer ?? NEVERLOSE_ISSUER,
    scopes: options?.scopes ?? DEFAULT_SCOPES,
    ...(options?.endpoints === undefined ? {} : { endpoints: options.endpoints }),
    ...(options?.dangerouslyAllowInsecureHttp === undefined
      ? {}
      : { dangerouslyAllowInsecureHttp: options.dangerouslyAllowInsecureHttp }),
  });
  if (resolved.clientSecret === undefined) {
    resolveOptions({ clientId: resolved.clientId, clientSecret: '' }); // throws naming the field
  }
  return {
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret as string,
    issuer: resolved.issuer,
    scope: resolved.scopes.join(' '),
    endpoints: resolved.endpoints,
    core: resolved,
  };
}
