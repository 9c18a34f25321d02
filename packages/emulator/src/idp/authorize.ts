import type { EmulatorContext } from '../emulator-context.js';
import { readParams, single } from '../http/form.js';
import { html, page, type RawHtml } from '../http/html.js';
import type { RequestContext } from '../http/request-context.js';
import type { OAuthClientRecord } from '../world/records.js';
import { SUPPORTED_SCOPES } from './scopes.js';
import type { PendingAuthorization } from './sessions.js';
import { unregisteredPage } from './unregistered-page.js';

const CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;
const MAX_PARAM = 2048;

/** Where the sign-in and consent forms post to. */
export const SIGN_IN_PATH = '/oauth2/authorize/sign-in';
export const CONSENT_PATH = '/oauth2/authorize/consent';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in (your user id and registration date)',
  profile: 'Read your login and profile picture',
  email: 'Read your email address',
  no_state: 'Skip the state parameter',
  no_pkce: 'Skip PKCE',
};

function errorPage(ctx: RequestContext, status: number, message: string): void {
  ctx.html(
    status,
    page(
      'Sign-in error',
      html`<div class="card"><p class="error" id="error-message">${message}</p></div>`,
    ),
  );
}

function redirectWith(
  ctx: RequestContext,
  redirectUri: string,
  params: Record<string, string | undefined>,
): void {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) target.searchParams.set(key, value);
  ctx.redirect(target.href);
}

/**
 * The authorization endpoint (GET or POST), at the discovery path and at `/oauth/authorize`.
 *
 * An unknown `client_id` or a `redirect_uri` that is not registered verbatim gets an error page
 * (never a redirect). Other errors redirect to the client with `error`, `error_description` and
 * `state` (RFC 6749 section 4.1.2.1). A valid request shows the sign-in page.
 */
export async function handleAuthorize(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  ctx.log.area = 'idp';
  const params = await readParams(ctx);
  if (params === undefined) return;
  for (const key of new Set(params.keys())) {
    if (params.getAll(key).length > 1)
      return errorPage(ctx, 400, `The parameter ${key} is repeated.`);
    if ((params.get(key) ?? '').length > MAX_PARAM)
      return errorPage(ctx, 400, `The parameter ${key} is too long.`);
  }
  const clientId = single(params, 'client_id');
  const redirectUri = single(params, 'redirect_uri');
  const client = typeof clientId === 'string' ? app.world.clients.get(clientId) : undefined;
  if (
    client === undefined ||
    typeof redirectUri !== 'string' ||
    !client.redirectUris.includes(redirectUri)
  ) {
    return ctx.html(400, unregisteredPage(app, clientId, redirectUri, client));
  }

  const state = single(params, 'state') ?? undefined;
  const fail = (error: string, description: string) =>
    redirectWith(ctx, redirectUri, { error, error_description: description, state });

  if (single(params, 'response_type') !== 'code') {
    return fail('unsupported_response_type', 'Only response_type=code is supported.');
  }
  const scopes = (single(params, 'scope') ?? '').split(' ').filter((s) => s !== '');
  const unknown = scopes.filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return fail('invalid_scope', `Unsupported scope: ${unknown.join(' ')}.`);
  if (scopes.length === 0) return fail('invalid_scope', 'The scope parameter is required.');
  if (state === undefined && !scopes.includes('no_state')) {
    return fail(
      'invalid_request',
      'The state parameter is required unless the no_state scope is requested.',
    );
  }
  const pkce = checkPkce(params, scopes, client);
  if (pkce.error !== undefined) return fail(pkce.error, pkce.description);

  const pending = app.sessions.createPending({
    clientId: client.clientId,
    redirectUri,
    scopes: [...new Set(scopes)],
    state,
    nonce: single(params, 'nonce') ?? undefined,
    codeChallenge: pkce.challenge,
  });
  ctx.html(200, signInPage(app, client, pending));
}

type PkceResult =
  | { error: undefined; challenge: string | undefined }
  | { error: string; description: string; challenge?: undefined };

function checkPkce(
  params: URLSearchParams,
  scopes: readonly string[],
  client: OAuthClientRecord,
): PkceResult {
  const challenge = single(params, 'code_challenge') ?? undefined;
  const method = single(params, 'code_challenge_method') ?? undefined;
  if (scopes.includes('no_pkce') && !client.permissions.includes('no_pkce')) {
    return {
      error: 'invalid_scope',
      description: 'This application is not permitted to use no_pkce.',
    };
  }
  if (challenge === undefined) {
    if (method !== undefined)
      return {
        error: 'invalid_request',
        description: 'code_challenge_method without code_challenge.',
      };
    if (scopes.includes('no_pkce')) return { error: undefined, challenge: undefined };
    return {
      error: 'invalid_request',
      description: 'PKCE is required: send code_challenge with code_challenge_method=S256.',
    };
  }
  if (method !== 'S256') {
    return {
      error: 'invalid_request',
      description: 'code_challenge_method must be S256 (plain is not supported).',
    };
  }
  if (!CHALLENGE_RE.test(challenge)) {
    return {
      error: 'invalid_request',
      description: 'code_challenge must be 43 base64url characters (S256).',
    };
  }
  return { error: undefined, challenge };
}

function signInPage(
  app: EmulatorContext,
  client: OAuthClientRecord,
  pending: PendingAuthorization,
): string {
  const users = [...app.world.users.values()];
  const buttons: RawHtml[] = users.map(
    (user) =>
      html`<button type="submit" class="primary" name="user_id" value="${user.id}" id="signin-user-${user.login}">Sign in as ${user.login}</button>`,
  );
  return page(
    'Sign in to Neverlose',
    html`<div class="card">
<p><strong id="signin-client">${client.name}</strong> wants you to sign in.</p>
<form method="post" action="${SIGN_IN_PATH}" id="signin-form">
<input type="hidden" name="request" value="${pending.id}">
<p>Pick a seeded user:</p>
<p>${buttons}</p>
<p><button type="submit" name="cancel" value="1" id="signin-cancel">Cancel</button></p>
</form></div>`,
  );
}

function consentPage(
  app: EmulatorContext,
  client: OAuthClientRecord,
  pending: PendingAuthorization,
): string {
  const user = pending.userId === undefined ? undefined : app.world.users.get(pending.userId);
  const scopes = pending.scopes.map(
    (s) => html`<li data-scope="${s}"><code>${s}</code>: ${SCOPE_TEXT[s] ?? s}</li>`,
  );
  return page(
    'Allow access?',
    html`<div class="card">
<p>Signed in as <strong id="consent-user">${user?.login ?? ''}</strong>.</p>
<p><strong id="consent-client">${client.name}</strong> asks to:</p>
<ul id="consent-scopes">${scopes}</ul>
<form method="post" action="${CONSENT_PATH}" id="consent-form">
<input type="hidden" name="request" value="${pending.id}">
<button type="submit" class="primary" name="decision" value="allow" id="consent-allow">Allow</button>
<button type="submit" name="decision" value="deny" id="consent-deny">Deny</button>
</form></div>`,
  );
}

async function pendingFromForm(
  ctx: RequestContext,
  app: EmulatorContext,
): Promise<
  { params: URLSearchParams; pending: PendingAuthorization; client: OAuthClientRecord } | undefined
> {
  ctx.log.area = 'idp';
  const params = await readParams(ctx);
  if (params === undefined) return undefined;
  const id = single(params, 'request');
  const pending = typeof id === 'string' ? app.sessions.getPending(id) : undefined;
  const client = pending === undefined ? undefined : app.world.clients.get(pending.clientId);
  if (pending === undefined || client === undefined) {
    errorPage(
      ctx,
      400,
      'This sign-in request expired or was already used. Start again from the application.',
    );
    return undefined;
  }
  return { params, pending, client };
}

/** `POST` of the sign-in form: remembers the user and shows the consent page. */
export async function handleSignIn(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  const found = await pendingFromForm(ctx, app);
  if (found === undefined) return;
  const { params, pending, client } = found;
  if (params.has('cancel')) {
    app.sessions.pending.delete(pending.id);
    return redirectWith(ctx, pending.redirectUri, {
      error: 'access_denied',
      error_description: 'The user cancelled the sign-in.',
      state: pending.state,
    });
  }
  const userId = Number(single(params, 'user_id'));
  if (!Number.isSafeInteger(userId) || !app.world.users.has(userId)) {
    return errorPage(ctx, 400, 'Pick one of the listed users.');
  }
  pending.userId = userId;
  ctx.html(200, consentPage(app, client, pending));
}

/** `POST` of the consent form: Allow redirects with a code, Deny with `access_denied`. */
export async function handleConsent(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  const found = await pendingFromForm(ctx, app);
  if (found === undefined) return;
  const { params, pending } = found;
  if (pending.userId === undefined) return errorPage(ctx, 400, 'Sign in first.');
  const decision = single(params, 'decision');
  if (decision === 'allow') {
    const code = app.sessions.issueCode(
      pending,
      pending.userId,
      app.world.config.settings.codeTtlSeconds,
    );
    return redirectWith(ctx, pending.redirectUri, { code: code.code, state: pending.state });
  }
  if (decision === 'deny') {
    app.sessions.pending.delete(pending.id);
    return redirectWith(ctx, pending.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access.',
      state: pending.state,
    });
  }
  errorPage(ctx, 400, 'Choose Allow or Deny.');
}
