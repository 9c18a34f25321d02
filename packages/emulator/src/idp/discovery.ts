import type { EmulatorContext } from '../emulator-context.js';
import type { RequestContext } from '../http/request-context.js';
import { SUPPORTED_CLAIMS, SUPPORTED_SCOPES } from './scopes.js';

/** Paths of the current endpoints, as published by discovery. */
export const IDP_PATHS = {
  authorize: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userinfo',
  jwks: '/.well-known/jwks.json',
} as const;

/** Paths of the earlier docs (no discovery), served by the same handlers. */
export const LEGACY_IDP_PATHS = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/oidc_userinfo',
} as const;

/** `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0). */
export function discoveryDocument(app: EmulatorContext): Record<string, unknown> {
  const base = app.baseUrl();
  return {
    issuer: app.issuer(),
    authorization_endpoint: `${base}${IDP_PATHS.authorize}`,
    token_endpoint: `${base}${IDP_PATHS.token}`,
    userinfo_endpoint: `${base}${IDP_PATHS.userinfo}`,
    jwks_uri: `${base}${IDP_PATHS.jwks}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [app.keys.alg],
    scopes_supported: [...SUPPORTED_SCOPES],
    claims_supported: [...SUPPORTED_CLAIMS],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

export function handleDiscovery(ctx: RequestContext, app: EmulatorContext): void {
  ctx.log.area = 'idp';
  ctx.json(200, discoveryDocument(app), {
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
  });
}

export async function handleJwks(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  ctx.log.area = 'idp';
  ctx.json(
    200,
    { keys: await app.keys.published() },
    { 'cache-control': 'no-cache', 'access-control-allow-origin': '*' },
  );
}
