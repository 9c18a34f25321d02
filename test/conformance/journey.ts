import type { APIRequestContext, BrowserContext, Page, Request, Response } from 'playwright-core';

// A browser journey through an app and a provider, and what it leaves behind: every page the
// browser was sent to and how each answered, whether it tried to go elsewhere, and who is signed
// in afterwards. Verdicts are made from this record (verdict.ts), not while the browser drives.

/** One answer to a navigation of the page: a redirect or the page itself. */
export interface Hop {
  readonly url: string;
  readonly status: number;
}

/** What one journey left. */
export interface JourneyRecord {
  /** The page's navigations, in order, each with its answer. */
  readonly hops: readonly Hop[];
  /** Navigations to an origin that is neither the app's nor the provider's (blocked). */
  readonly left: readonly string[];
  /** A navigation that got no answer at all (connection refused or reset). */
  readonly failed?: string;
  /** True when the journey had not ended by its deadline. */
  readonly timedOut: boolean;
  /** The text of the page it ended on. */
  readonly text: string;
  /** The first navigation {@link JourneyOptions.capture} picked, with the cookies sent along. */
  readonly captured?: CapturedRequest;
}

/** A request as the browser sent it: what a thief of the URL and the cookies could send again. */
export interface CapturedRequest {
  readonly url: string;
  /** Its `Cookie` header (empty when none was sent). */
  readonly cookie: string;
}

export interface JourneyOptions {
  /** The app's origin and the provider's: the only ones the browser may visit. */
  readonly origins: readonly string[];
  /** The app's origin: a page of it that is not a redirect ends the journey... */
  readonly app: string;
  /** ...unless the login only passes through it (a page whose script goes on). */
  readonly passesThrough?: (url: URL) => boolean;
  readonly deadlineMs: number;
  /** Picks a navigation to record with its cookies (the callback, to replay it). */
  readonly capture?: (url: URL) => boolean;
  /** Leaves the page where the journey ended (a sign-in page to go on from). */
  readonly stay?: boolean;
}

/**
 * Keeps `context` on the origins `allowed()` names when a request leaves: every request to another
 * origin is aborted (a browser that follows a redirect out is what an open redirect is; {@link
 * drive} records such navigations).
 */
export async function confine(
  context: BrowserContext,
  allowed: () => readonly string[],
): Promise<void> {
  await context.route(
    (url) => !allowed().includes(url.origin),
    (route) => route.abort('blockedbyclient'),
  );
}

/**
 * Opens `start` in `page` (or runs it: a click that navigates) and follows the browser until the
 * journey ends: a page of the app that is not a redirect (nor a page it passes through), any
 * answer of the provider that is not a redirect, a navigation that failed, or the deadline. The
 * page is left on `about:blank` unless `options.stay`.
 */
export async function drive(
  page: Page,
  start: string | (() => Promise<unknown>),
  options: JourneyOptions,
): Promise<JourneyRecord> {
  const hops: Hop[] = [];
  const left: string[] = [];
  let failed: string | undefined;
  let captured: Promise<CapturedRequest> | undefined;
  let done = false;
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = () => {
      done = true;
      resolve();
    };
  });
  const mainNavigation = (request: Request) =>
    request.isNavigationRequest() && request.frame() === page.mainFrame();
  const elsewhere = (request: Request) => !options.origins.includes(new URL(request.url()).origin);
  const onRequest = (request: Request) => {
    if (done || !mainNavigation(request)) return;
    if (elsewhere(request)) left.push(request.url());
    if (captured === undefined && options.capture?.(new URL(request.url())) === true) {
      captured = request
        .allHeaders()
        .then((headers) => ({ url: request.url(), cookie: headers['cookie'] ?? '' }));
    }
  };
  const onResponse = (response: Response) => {
    const request = response.request();
    if (done || !mainNavigation(request)) return;
    const status = response.status();
    hops.push({ url: response.url(), status });
    if (status >= 300 && status < 400) return;
    const url = new URL(response.url());
    if (url.origin === options.app && options.passesThrough?.(url) === true) return;
    end();
  };
  const onFailed = (request: Request) => {
    // After the end, only leaving the page aborts what still loads.
    if (done || !mainNavigation(request)) return;
    const error = request.failure()?.errorText ?? 'failed';
    // A navigation another one replaced (a script that goes on) is not the end.
    if (error === 'net::ERR_ABORTED' && !elsewhere(request)) return;
    if (!elsewhere(request)) failed = `${request.url()}: ${error}`;
    end();
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.deadlineMs);
  });
  (typeof start === 'string' ? page.goto(start) : start()).catch(() => undefined);
  const outcome = await Promise.race([ended.then(() => 'ended' as const), deadline]);
  clearTimeout(timer);
  done = true;
  const text = await page
    .locator('body')
    .textContent({ timeout: 5000 })
    .catch(() => '');
  const request = await captured?.catch(() => undefined);
  page.off('request', onRequest);
  page.off('response', onResponse);
  page.off('requestfailed', onFailed);
  // Stops the page's scripts (a sign-in page that would go on) before the next journey.
  if (options.stay !== true) await page.goto('about:blank').catch(() => undefined);
  return {
    hops,
    left,
    ...(request === undefined ? {} : { captured: request }),
    ...(failed === undefined ? {} : { failed }),
    timedOut: outcome === 'timeout',
    text: text ?? '',
  };
}

/**
 * The user signed in to the app, as its profile page names them (`#profile-username`, which every
 * example renders for a signed-in user), or `undefined` when it sends the visitor to sign in.
 *
 * @throws when the app answers anything else, or nothing: that is no proof that nobody is signed in.
 */
export async function signedInAs(
  request: APIRequestContext,
  appUrl: string,
): Promise<string | undefined> {
  const response = await request.get(`${appUrl}/profile`, {
    maxRedirects: 0,
    timeout: 10_000,
    // A connection of its own: a kept-alive one the app closes as this request leaves (Node's
    // keepAliveTimeout, 5 s) would fail it.
    headers: { connection: 'close' },
  });
  const status = response.status();
  if (status >= 300 && status < 400) return undefined;
  const html = await response.text();
  const name = /id="profile-username"[^>]*>([^<]*)</.exec(html)?.[1];
  if (status !== 200 || name === undefined) {
    throw new Error(
      `${appUrl}/profile answered ${status} without a profile: ${html.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
  }
  return name;
}
