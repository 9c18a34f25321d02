import type { EmulatorContext } from '../emulator-context.js';
import { readText, single } from '../http/form.js';
import type { RequestContext } from '../http/request-context.js';
import type { OAuthClientRecord } from '../world/records.js';
import { signIdToken } from './id-token.js';
import { pkceMatches, secretsEqual } from './sessions.js';

const VERIFIER_RE = /^[A-Za-z0-9._~-]{43,128}$/;

function oauthError(
  ctx: RequestContext,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) {
  ctx.json(status, { error, error_description: description }, { pragma: 'no-cache', ...headers });
}

/** RFC 6749 section 2.3.1: the Basic credentials are form-urlencoded before base64. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

type ClientAuth =
  | { client: OAuthClientRecord }
  | { status: number; error: string; description: string; basic: boolean };

function authenticateClient(
  ctx: RequestContext,
  app: EmulatorContext,
  params: URLSearchParams,
): ClientAuth {
  const header = ctx.req.headers.authorization;
  const bodyId = single(params, 'client_id');
  const bodySecret = single(params, 'client_secret');
  if (bodyId === null || bodySecret === null) {
    return {
      status: 400,
      error: 'invalid_request',
      description: 'client_id or client_secret is repeated.',
      basic: false,
    };
  }
  let clientId: string | undefined;
  let secret: string | undefined;
  let basic = false;
  if (header !== undefined && /^basic /i.test(header)) {
    basic = true;
    if (bodySecret !== undefined) {
      return {
        status: 400,
        error: 'invalid_request',
        description: 'Use one client authentication method, not two.',
        basic,
      };
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    clientId = colon < 0 ? undefined : formDecode(decoded.slice(0, colon));
    secret = colon < 0 ? undefined : formDecode(decoded.slice(colon + 1));
    if (clientId !== undefined && bodyId !== undefined && bodyId !== clientId) {
      return {
        status: 400,
        error: 'invalid_request',
        description: 'client_id differs from the Basic credentials.',
        basic,
      };
    }
  } else {
    clientId = bodyId;
    secret = bodySecret;
  }
  const client = clientId === undefined ? undefined : app.world.clients.get(clientId);
  if (client === undefined || secret === undefined || !secretsEqual(secret, client.clientSecret)) {
    return {
      status: 401,
      error: 'invalid_client',
      description: 'Client authentication failed.',
      basic,
    };
  }
  return { client };
}

/**
 * The token endpoint (`authorization_code` only; refresh tokens are never issued), at the discovery
 * path and at `/oauth/token`. Clients authenticate with `client_secret_basic` or
 * `client_secret_post`. Codes are single-use (a replay also revokes the tokens they issued),
 * short-lived, bound to the client and the exact `redirect_uri`, and checked against the S256 PKCE
 * challenge.
 */
export async function handleToken(
  ctx: RequestContext,
  app: EmulatorContext,
  legacy: boolean,
): Promise<void> {
  ctx.log.area = 'idp';
  const text = await readText(ctx);
  if (text === undefined) return;
  if (ctx.method !== 'POST')
    return oauthError(ctx, 405, 'invalid_request', 'Use POST.', { allow: 'POST' });
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(
      ctx,
      400,
      'invalid_request',
      'The body must be application/x-www-form-urlencoded.',
    );
  }
  const params = new URLSearchParams(text);
  const auth = authenticateClient(ctx, app, params);
  if (!('client' in auth)) {
    const headers: Record<string, string> =
      auth.basic && auth.status === 401
        ? { 'www-authenticate': 'Basic realm="neverlose-emulator"' }
        : {};
    return oauthError(ctx, auth.status, auth.error, auth.description, headers);
  }
  const { client } = auth;
  const grantType = single(params, 'grant_type');
  if (grantType === undefined || grantType === null)
    return oauthError(ctx, 400, 'invalid_request', 'grant_type is required.');
  if (grantType !== 'authorization_code') {
    return oauthError(
      ctx,
      400,
      'unsupported_grant_type',
      'Only authorization_code is supported (no refresh tokens).',
    );
  }
  const codeValue = single(params, 'code');
  if (typeof codeValue !== 'string')
    return oauthError(ctx, 400, 'invalid_request', 'code is required.');
  const code = app.sessions.codes.get(codeValue);
  if (code === undefined || code.clientId !== client.clientId) {
    return oauthError(
      ctx,
      400,
      'invalid_grant',
      'The code is unknown or was issued to another client.',
    );
  }
  if (code.used) {
    app.sessions.revokeIssuedBy(code);
    return oauthError(
      ctx,
      400,
      'invalid_grant',
      'The code was already used; the tokens it issued are revoked.',
    );
  }
  if (code.expiresAt <= app.world.now())
    return oauthError(ctx, 400, 'invalid_grant', 'The code expired.');
  if (single(params, 'redirect_uri') !== code.redirectUri) {
    return oauthError(
      ctx,
      400,
      'invalid_grant',
      'redirect_uri does not match the authorization request.',
    );
  }
  const verifier = single(params, 'code_verifier');
  if (code.codeChallenge !== undefined) {
    if (typeof verifier !== 'string' || !VERIFIER_RE.test(verifier)) {
      return oauthError(ctx, 400, 'invalid_grant', 'code_verifier is missing or malformed.');
    }
    if (!pkceMatches(verifier, code.codeChallenge)) {
      return oauthError(
        ctx,
        400,
        'invalid_grant',
        'code_verifier does not match the code_challenge.',
      );
    }
  }
  const user = app.world.users.get(code.userId);
  if (user === undefined)
    return oauthError(ctx, 400, 'invalid_grant', 'The user no longer exists.');

  const ttl = app.world.config.settings.accessTokenTtlSeconds;
  const token = app.sessions.issueToken(code, ttl);
  const reply: Record<string, unknown> = {
    access_token: token.accessToken,
    token_type: 'Bearer',
    expires_in: ttl,
    scope: code.scopes.join(' '),
  };
  const wantsIdToken =
    code.scopes.includes('openid') &&
    (!legacy || app.world.config.settings.legacyTokenEndpointIssuesIdToken);
  if (wantsIdToken) {
    reply['id_token'] = await signIdToken(
      {
        issuer: app.issuer(),
        clientId: client.clientId,
        userId: user.id,
        nonce: code.nonce,
        accessToken: token.accessToken,
        issuedAt: Math.floor(token.issuedAt / 1000),
        expiresAt: Math.floor(token.expiresAt / 1000),
      },
      await app.keys.signing(),
    );
  }
  ctx.json(200, reply, { pragma: 'no-cache' });
}
