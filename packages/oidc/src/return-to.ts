import { NeverloseOidcError } from './errors.js';

const MAX_LENGTH = 2048;
/** Control characters, and the backslash browsers read as a slash. */
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
/** Percent-encoded control characters, slash, backslash and percent sign (double encoding). */
const FORBIDDEN_ENCODED = /%(?:[01][0-9a-f]|7f|[89][0-9a-f]|2f|5c|25)/i;

/**
 * Checks that `returnTo` is a same-origin relative path, safe to redirect to after login.
 *
 * Accepted: a path that starts with one `/` (`/dashboard`, `/items?id=3#top`). Refused:
 * protocol-relative `//host` and `/\host`, any scheme (`https:`, `javascript:`), backslashes,
 * control characters, their percent-encoded forms (`%2F%2Fhost`, `%5Chost`, `%0d%0a`, `%09`),
 * a double-encoded `%25`, and anything longer than 2048 characters.
 *
 * @returns The path, unchanged.
 * @throws {NeverloseOidcError} `ERR_RETURN_TO_INVALID` naming the rule it breaks.
 *
 * @example
 * ```ts
 * validateReturnTo('/settings');        // '/settings'
 * validateReturnTo('//evil.example');   // throws ERR_RETURN_TO_INVALID
 * ```
 * @see {@link https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html OWASP: unvalidated redirects}
 */
export function validateReturnTo(returnTo: unknown): string {
  const refuse = (rule: string): never => {
    throw new NeverloseOidcError('ERR_RETURN_TO_INVALID', `Invalid returnTo: ${rule}.`);
  };
  if (typeof returnTo !== 'string') return refuse('must be a string');
  if (returnTo.length === 0 || returnTo.length > MAX_LENGTH) {
    return refuse(`must be 1 to ${MAX_LENGTH} characters long`);
  }
  if (!returnTo.startsWith('/')) return refuse('must be a path starting with "/"');
  if (returnTo.startsWith('//')) return refuse('must not start with "//" (another host)');
  if (FORBIDDEN_CHARACTER.test(returnTo)) {
    return refuse('must not contain control characters or backslashes');
  }
  if (returnTo.includes('%') && FORBIDDEN_ENCODED.test(returnTo)) {
    return refuse('must not contain percent-encoded control characters, slashes or backslashes');
  }
  // No URL parse is needed: after these checks the value is a path-absolute URL (one "/" then
  // neither "/" nor "\\", no tab or newline for the parser to strip), which keeps the origin.
  return returnTo;
}

/** True when {@link validateReturnTo} accepts the value. */
export function isSafeReturnTo(returnTo: unknown): returnTo is string {
  try {
    validateReturnTo(returnTo);
    return true;
  } catch {
    return false;
  }
}
