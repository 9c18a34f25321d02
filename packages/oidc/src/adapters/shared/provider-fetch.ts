import { NeverloseOidcError } from '../../errors.js';
import { quote } from '../../lib/quote.js';
import type { ResolvedOptions } from '../../validate-options.js';

/**
 * @internal A request to the provider that a framework makes itself (Auth.js's code exchange
 * and userinfo, better-auth's code exchange), held to the rules of the core's own requests:
 * `https:` only unless `dangerouslyAllowInsecureHttp`, through the core's `fetch` option, and
 * given up after the core's `timeout`. The frameworks set no deadline: a token endpoint that
 * never answers would hold the login, and its request, forever.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` for a URL that is not `https:`; `ERR_TIMEOUT`
 *   when no answer came in time (the body, read later, is given up at the same deadline).
 */
export async function fetchFromProvider(
  options: ResolvedOptions,
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'https:' && !options.allowInsecureHttp) {
    throw new NeverloseOidcError(
      'ERR_INVALID_OPTION',
      `A request to ${quote(url.origin)} was refused: provider URLs must be https (dangerouslyAllowInsecureHttp is for the local emulator).`,
    );
  }
  const deadline = AbortSignal.timeout(options.timeout);
  const given = init.signal ?? (input instanceof Request ? input.signal : undefined);
  const signal = given ? AbortSignal.any([given, deadline]) : deadline;
  try {
    return await (options.fetch ?? fetch)(input, { ...init, signal });
  } catch (error) {
    if (!deadline.aborted) throw error;
    throw new NeverloseOidcError(
      'ERR_TIMEOUT',
      `The request to ${quote(`${url.origin}${url.pathname}`)} took longer than the timeout (${options.timeout} ms).`,
      { cause: error },
    );
  }
}
