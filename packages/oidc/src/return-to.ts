import { NeverloseOidcError } from './errors.js';

const MAX_LENGTH = 2048;
/** C0 controls, DEL, C1 controls, and the backslash browsers read as a slash. */
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
/**
 * Percent-encoded C0 controls and DEL, slash, backslash, the percent sign (double encoding), and
 * C1 controls in their UTF-8 form (`%C2%80`-`%C2%9F`).
 */
const FORBIDDEN_ENCODED = /%(?:[01][0-9a-f]|7f|2f|5c|25)|%c2%[89][0-9a-f]/i;
/**
 * What is percent-encoded: every character outside ASCII, and the ASCII ones a URL parser would
 * encode itself or that mean something in HTML (space, `"`, `'`, `<`, `>`, `` ` ``).
 */
const TO_ENCODE = /[ "'<>`]|[^\u0000-\u007f]+/g;

function percentEncode(text: string): string {
  // encodeURIComponent leaves `'` as it is; the rest it encodes as UTF-8, uppercase hex.
  return text.replace(TO_ENCODE, (match) => (match === "'" ? '%27' : encodeURIComponent(match)));
}

/**
 * Checks that `returnTo` is a same-origin relative path, safe to redirect to after login, and
 * returns it as printable ASCII that any `Location` header accepts.
 *
 * Accepted: a path that starts with one `/` (`/dashboard`, `/items?id=3#top`, `/café`). Refused:
 * protocol-relative `//host` and `/\host`, any scheme (`https:`, `javascript:`), backslashes,
 * C0 and C1 control characters (NUL, tab, CR, LF, DEL, U+0080 to U+009F), lone UTF-16 surrogates,
 * the percent-encoded forms of controls, slashes and backslashes (`%2F%2Fhost`, `%5Chost`,
 * `%0d%0a`, `%09`, `%C2%85`), a double-encoded `%25`, and anything longer than 2048 characters
 * once encoded.
 *
 * The value returned has every character outside ASCII percent-encoded as UTF-8 (`/café` becomes
 * `/caf%C3%A9`, U+2028 becomes `%E2%80%A8`), and so are space, `"`, `'`, `<`, `>` and `` ` ``.
 * Encoding happens once: a `%XX` already there is kept as it is, so the function is idempotent.
 * The result is made of characters U+0021 to U+007E only, starts with `/` and not `//`, and so
 * keeps the origin it is resolved against.
 *
 * @returns The path, percent-encoded where needed (unchanged when it already was).
 * @throws {NeverloseOidcError} `ERR_RETURN_TO_INVALID` naming the rule it breaks.
 *
 * @example
 * ```ts
 * validateReturnTo('/settings');        // '/settings'
 * validateReturnTo('/café?q=a b');      // '/caf%C3%A9?q=a%20b'
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
  if (!returnTo.isWellFormed()) {
    return refuse('must not contain lone UTF-16 surrogates (it is not valid Unicode text)');
  }
  if (returnTo.includes('%') && FORBIDDEN_ENCODED.test(returnTo)) {
    return refuse('must not contain percent-encoded control characters, slashes or backslashes');
  }
  const encoded = percentEncode(returnTo);
  if (encoded.length > MAX_LENGTH) {
    return refuse(`must be at most ${MAX_LENGTH} characters once percent-encoded`);
  }
  // No URL parse is needed: after these checks the value is a path-absolute URL (one "/" then
  // neither "/" nor "\\", no tab or newline for the parser to strip), which keeps the origin.
  return encoded;
}

/**
 * True when `returnTo` can be used as it is: {@link validateReturnTo} accepts it and returns it
 * unchanged (no character needed percent-encoding). A value that is false here may still be
 * accepted by `validateReturnTo`, which returns its encoded form.
 *
 * @example
 * ```ts
 * isSafeReturnTo('/settings'); // true
 * isSafeReturnTo('/café');     // false: use validateReturnTo('/café'), which is '/caf%C3%A9'
 * ```
 */
export function isSafeReturnTo(returnTo: unknown): returnTo is string {
  try {
    return validateReturnTo(returnTo) === returnTo;
  } catch {
    return false;
  }
}
