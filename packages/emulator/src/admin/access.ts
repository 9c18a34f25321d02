import type { RequestContext } from '../http/request-context.js';
import { secretsEqual } from '../idp/sessions.js';

/** What {@link refuseAdminRequest} answers instead of the route. */
export interface AdminRefusal {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

/** The rules of the admin surface: who may use it, and from which pages. */
export interface AdminAccess {
  /** When set, every request needs it (`Authorization: Bearer <token>`, or Basic password). */
  readonly token: string | undefined;
  /** The emulator's advertised URL, whose host and origin are its own. */
  readonly baseUrl: () => string;
}

const ADMIN_TOKEN_RE = /^[\x21-\x7e]{16,}$/;

/**
 * Host names that only ever resolve to this machine: what a DNS-rebinding page cannot make a
 * browser send as `Host` (`*.localhost` is reserved for loopback, RFC 6761 section 6.3).
 */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(name)
  );
}

/**
 * Checks the `adminToken` option, and that an emulator listening beyond loopback has one.
 * @returns a sentence naming the rule broken, or `undefined`.
 */
export function adminTokenProblem(host: string, token: string | undefined): string | undefined {
  if (token !== undefined && (typeof token !== 'string' || !ADMIN_TOKEN_RE.test(token)))
    return 'adminToken must be at least 16 visible ASCII characters (no spaces).';
  if (token === undefined && !isLoopbackHostname(host)) {
    return `host "${host}" is not a loopback address: set adminToken, because the admin API shows API keys and client secrets and moves NLE for anyone who reaches it.`;
  }
  return undefined;
}

const HOST_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/** The host name of a `Host` header (`[::1]:4010` -> `[::1]`); `undefined` when malformed. */
function hostnameOf(host: string): string | undefined {
  return HOST_RE.exec(host)?.[1]?.toLowerCase();
}

function tokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const bearer = /^Bearer +(\S+)$/i.exec(authorization);
  if (bearer !== null) return bearer[1];
  const basic = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(authorization);
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The checks in front of the dashboard, the admin API and the market pages, which show secrets
 * and move NLE. In order:
 *
 * 1. `Host` is a loopback name or the public URL's host (421 otherwise): a DNS-rebinding page
 *    reaches the emulator under its own name.
 * 2. `Origin` is absent or the emulator's own, and `Sec-Fetch-Site` is not `cross-site` or
 *    `same-site` (403): another page in the browser cannot drive it.
 * 3. The admin token, when one is set (401, with a Basic challenge so that a browser can sign in).
 * 4. Admin API writes carry `Content-Type: application/json` (415): a cross-site form or a
 *    `text/plain` fetch cannot send one without a CORS preflight, which is never granted.
 *
 * @returns the refusal to send, or `undefined` to go on.
 */
export function refuseAdminRequest(
  ctx: RequestContext,
  access: AdminAccess,
): AdminRefusal | undefined {
  const headers = ctx.req.headers;
  const own = new URL(access.baseUrl());
  const host = headers.host === undefined ? undefined : hostnameOf(headers.host);
  if (host === undefined || !(isLoopbackHostname(host) || host === own.hostname)) {
    return {
      status: 421,
      error: 'ERR_MISDIRECTED',
      message: `The admin pages answer to localhost and ${own.host} only (Host ${JSON.stringify(headers.host ?? '')}).`,
    };
  }
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  const sameOrigin =
    origin === undefined || origin === own.origin || origin === `http://${headers.host}`;
  if (!sameOrigin || site === 'cross-site' || site === 'same-site') {
    return {
      status: 403,
      error: 'ERR_CROSS_ORIGIN',
      message: 'The admin pages take requests from their own origin only.',
    };
  }
  if (access.token !== undefined) {
    const sent = tokenOf(headers.authorization);
    if (sent === undefined || !secretsEqual(sent, access.token)) {
      return {
        status: 401,
        error: 'ERR_UNAUTHORIZED',
        message: 'Send Authorization: Bearer <adminToken> (or Basic, with the token as password).',
        headers: {
          'www-authenticate': 'Bearer realm="neverlose-emulator", Basic realm="neverlose-emulator"',
        },
      };
    }
  }
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (ctx.path.startsWith('/admin/api/') && WRITE_METHODS.has(ctx.method)) {
    if (type !== 'application/json') {
      return {
        status: 415,
        error: 'ERR_UNSUPPORTED_MEDIA_TYPE',
        message: 'Admin API writes need Content-Type: application/json.',
      };
    }
  }
  return undefined;
}
