import { validateReturnTo } from '../../return-to.js';

/**
 * The `callbacks.redirect` of Auth.js and next-auth that keeps every sign-in and sign-out on the
 * app: a path the core's `returnTo` rules accept (see `validateReturnTo`; percent-encoded where
 * needed), or a URL of the app's own origin, else the home page. Where a sign-in ends comes from
 * the visitor (the `callbackUrl` form field, query parameter or cookie): the frameworks' default
 * callbacks throw on one that is not a URL (`\\host`; next-auth v4 answers 500) and let through
 * characters a `Location` header cannot carry.
 *
 * @example
 * ```ts
 * callbacks: { redirect: sameOriginRedirect }
 * ```
 */
export function sameOriginRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const base = baseUrl.replace(/\/+$/, '');
  const path = url.startsWith(`${base}/`) ? url.slice(base.length) : url;
  try {
    return `${base}${validateReturnTo(path)}`;
  } catch {
    return base;
  }
}
