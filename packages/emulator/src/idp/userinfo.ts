import type { EmulatorContext } from '../emulator-context.js';
import { readText } from '../http/form.js';
import type { RequestContext } from '../http/request-context.js';
import type { UserRecord } from '../world/records.js';

/** The picture of a user: the configured URL, or the emulator's placeholder PNG. */
export function pictureUrl(app: EmulatorContext, user: UserRecord): string {
  return user.avatarUrl !== '' ? user.avatarUrl : `${app.baseUrl()}/avatars/${user.id}.png`;
}

/** The claims of the docs' userinfo table that the scopes grant. */
export function userClaims(
  app: EmulatorContext,
  user: UserRecord,
  scopes: readonly string[],
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: String(user.id),
    'cc.neverlose.reg_date': user.regDate,
  };
  if (scopes.includes('profile')) {
    claims['preferred_username'] = user.login;
    claims['name'] = user.login;
    claims['profile'] = `${app.baseUrl()}/users/${encodeURIComponent(user.login)}`;
    claims['picture'] = pictureUrl(app, user);
    claims['cc.neverlose.user_id'] = user.id;
    claims['cc.neverlose.login'] = user.login;
  }
  if (scopes.includes('email')) claims['email'] = user.email;
  return claims;
}

function bearerError(
  ctx: RequestContext,
  status: number,
  error: string,
  description: string,
): void {
  ctx.json(
    status,
    { error, error_description: description },
    {
      'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
    },
  );
}

/**
 * The userinfo endpoint (GET or POST with `Authorization: Bearer`), at the discovery path and at
 * `/oauth/oidc_userinfo`. Needs the `openid` scope.
 */
export async function handleUserinfo(ctx: RequestContext, app: EmulatorContext): Promise<void> {
  ctx.log.area = 'idp';
  if ((await readText(ctx)) === undefined) return;
  const header = ctx.req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (match === null) {
    ctx.json(
      401,
      {
        error: 'invalid_request',
        error_description: 'Send the access token as Authorization: Bearer.',
      },
      {
        'www-authenticate': 'Bearer realm="neverlose-emulator"',
      },
    );
    return;
  }
  const token = app.sessions.validToken(match[1] as string);
  if (token === undefined)
    return bearerError(
      ctx,
      401,
      'invalid_token',
      'The access token is unknown, expired or revoked.',
    );
  if (!token.scopes.includes('openid'))
    return bearerError(ctx, 403, 'insufficient_scope', 'The openid scope is required.');
  const user = app.world.users.get(token.userId);
  if (user === undefined)
    return bearerError(ctx, 401, 'invalid_token', 'The user no longer exists.');
  ctx.json(200, userClaims(app, user, token.scopes));
}
