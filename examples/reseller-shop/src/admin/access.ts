import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The user name browsers are told to use; any name is accepted, the token is the password. */
export const ADMIN_USER = 'admin';

/** The challenge that makes a browser ask for the admin token. */
export const ADMIN_CHALLENGE = 'Basic realm="Reseller shop admin", charset="UTF-8"';

const ADMIN_TOKEN_RE = /^[\x21-\x7e]{16,}$/;

/** True for an address that only this machine can reach (`127.0.0.1`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(name);
}

/** A problem with the `adminToken` option, as a sentence, or `undefined`. */
export function adminTokenProblem(token: string | undefined, host: string): string | undefined {
  if (token === undefined) {
    return isLoopbackHost(host)
      ? undefined
      : `"adminToken" is required when "host" (${host}) is not a loopback address: the admin pages show the shop's setup and push prices.`;
  }
  return typeof token === 'string' && ADMIN_TOKEN_RE.test(token)
    ? undefined
    : '"adminToken" must be at least 16 visible ASCII characters (no spaces).';
}

/**
 * True when the request carries the admin token as the password of HTTP Basic. Compared in
 * constant time (digests of equal length), so the answer time says nothing about the token.
 */
export function isAdmin(req: IncomingMessage, token: string): boolean {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(req.headers.authorization ?? '');
  if (match === null) return false;
  const credentials = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const password = credentials.slice(credentials.indexOf(':') + 1);
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return (
    credentials.includes(':') &&
    timingSafeEqual(digest(password), digest(token)) &&
    password === token
  );
}
