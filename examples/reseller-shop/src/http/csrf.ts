import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a form's token is for: a token of one form is refused by another. */
export type FormPurpose = 'pay' | 'push-prices';

/** A form token and the cookie that goes with it. */
export interface IssuedToken {
  /** The hidden `csrf` field of the form. */
  readonly token: string;
  /** A `Set-Cookie` value when the browser had no CSRF cookie yet. */
  readonly setCookie?: string;
}

/**
 * CSRF defence of the shop's forms, without a server session: a double-submit token bound to a
 * cookie by a key only the shop knows, plus a check that the request comes from the shop's pages.
 */
export interface CsrfGuard {
  /** The token to put in a form of `purpose` for this browser. */
  issue(req: IncomingMessage, purpose: FormPurpose): IssuedToken;
  /**
   * True when the submitted form comes from the shop's own page of `purpose`: `Origin` and
   * `Sec-Fetch-Site` say same origin (or are absent), and the token matches the cookie.
   */
  accepts(req: IncomingMessage, purpose: FormPurpose, token: string | null): boolean;
}

/** The cookie's value: a random nonce, base64url. */
const NONCE_RE = /^[A-Za-z0-9_-]{43}$/;

/** One cookie from a `Cookie` header. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison of two tokens, whatever their lengths. */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the browser says the request comes from the shop itself: `Sec-Fetch-Site` is not
 * `cross-site` or `same-site`, and `Origin` is absent or the shop's (its public origin, or the
 * origin it was reached at). Browsers send both on form posts; scripts send neither.
 */
export function fromOwnPages(req: IncomingMessage, publicOrigin: () => string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined || origin === publicOrigin()) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * @param secret The shop's own secret (the API key): every instance derives the same key, so a
 *   form served by one instance is accepted by another.
 * @param secure Cookies are `Secure` and `__Host-` prefixed (no subdomain can set them).
 */
export function createCsrfGuard(options: {
  secret: string;
  secure: boolean;
  /** The shop's public origin (known once it listens). */
  publicOrigin: () => string;
}): CsrfGuard {
  const key = Buffer.from(
    hkdfSync('sha256', options.secret, new Uint8Array(0), 'reseller-shop csrf v1', 32),
  );
  const cookieName = options.secure ? '__Host-shop_csrf' : 'shop_csrf';
  const tokenFor = (nonce: string, purpose: FormPurpose) =>
    createHmac('sha256', key).update(`${purpose}:${nonce}`).digest('base64url');
  const nonceOf = (req: IncomingMessage) => {
    const value = readCookie(req, cookieName);
    return value !== undefined && NONCE_RE.test(value) ? value : undefined;
  };
  return {
    issue(req, purpose) {
      const existing = nonceOf(req);
      if (existing !== undefined) return { token: tokenFor(existing, purpose) };
      const nonce = randomBytes(32).toString('base64url');
      return {
        token: tokenFor(nonce, purpose),
        setCookie: `${cookieName}=${nonce}; Path=/; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`,
      };
    },
    accepts(req, purpose, token) {
      if (!fromOwnPages(req, options.publicOrigin)) return false;
      const nonce = nonceOf(req);
      return nonce !== undefined && token !== null && tokensEqual(token, tokenFor(nonce, purpose));
    },
  };
}
