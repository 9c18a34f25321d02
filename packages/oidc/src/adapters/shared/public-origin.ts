import { NeverloseOidcError } from '../../errors.js';
import { quote } from '../../lib/quote.js';

/**
 * @internal The app's origin as browsers see it, which decides the redirect URI, every redirect
 * and the cookies' attributes: behind a TLS-terminating proxy the request the app receives says
 * `http://` and an inner host, so none of them may come from the request.
 */
export interface PublicOrigin {
  /** `https://app.example`, without a trailing slash. */
  readonly origin: string;
  /** True on `https:`: cookies are `Secure`, and host-only ones take the `__Host-` prefix. */
  readonly secure: boolean;
  /** `'__Host-'` on `https:`, `''` on `http:` (browsers accept the prefix on https only). */
  readonly hostPrefix: string;
}

/**
 * @internal Checks a public origin option (`https://app.example`; a trailing slash is dropped).
 *
 * @param variable The environment variable the docs tell users to set, named when it is missing.
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the option and the rule it breaks.
 */
export function publicOriginOf(value: unknown, field: string, variable: string): PublicOrigin {
  const fail = (rule: string): never => {
    throw new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "${field}": ${rule}.`);
  };
  if (value === undefined || value === null || value === '') {
    fail(
      `must be the app's public origin, such as "https://app.example"; got ${value === '' ? 'an empty string' : String(value)}: set ${variable}`,
    );
  }
  if (typeof value !== 'string') return fail(`must be a string, not ${typeof value}`);
  const trimmed = value.replace(/\/+$/, '');
  if (!URL.canParse(trimmed)) return fail(`${quote(value)} is not a URL`);
  const url = new URL(trimmed);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`${quote(value)} must be an http: or https: origin`);
  }
  if (url.origin !== trimmed) {
    return fail(`${quote(value)} must be an origin only (no path, query, fragment or user)`);
  }
  const secure = url.protocol === 'https:';
  return { origin: url.origin, secure, hostPrefix: secure ? '__Host-' : '' };
}
