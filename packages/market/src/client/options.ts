import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import type { MarketClientDiagnostic } from '../diagnostics/records.js';
import type { IdJournal } from '../journal/journal.js';
import { MarketInputError } from './errors.js';
import type { FetchLike } from './transport.js';

/** The market API endpoint (since December 2024). */
export const MARKET_API_BASE_URL = 'https://user-api.neverlose.cc/api/market';
/** The old endpoint: still answered, discouraged by the provider. */
export const LEGACY_MARKET_API_BASE_URL = 'https://neverlose.cc/api/market';

/** Options of {@link MarketClient}. */
export interface MarketClientOptions {
  /**
   * Your user id (market API settings page), sent as `user_id`.
   *
   * @example `1`
   */
  readonly userId: number | bigint;
  /**
   * Your market API key. It signs every request and never leaves the process (nor any event).
   *
   * @example `process.env.NEVERLOSE_API_KEY!`
   */
  readonly secret: string;
  /**
   * The API root; the method name is appended. Plain `http:` is refused except to a loopback host
   * (tests, local emulators).
   *
   * @defaultValue {@link MARKET_API_BASE_URL} (`https://user-api.neverlose.cc/api/market`)
   * @example `{ baseUrl: LEGACY_MARKET_API_BASE_URL }`
   */
  readonly baseUrl?: string;
  /**
   * Time limit of each attempt (connect, send, read the reply), in milliseconds.
   *
   * @defaultValue `10000`
   */
  readonly timeoutMs?: number;
  /**
   * How many times a network error, timeout or 5xx is retried (with the same id, after a jittered
   * exponential delay). API errors are never retried.
   *
   * @defaultValue `3`
   */
  readonly retries?: number;
  /**
   * The first retry waits up to this long; each further retry doubles the ceiling (full jitter).
   *
   * @defaultValue `250`
   */
  readonly retryBaseMs?: number;
  /**
   * The ceiling of any retry delay, in milliseconds.
   *
   * @defaultValue `8000`
   */
  readonly retryMaxMs?: number;
  /**
   * The `fetch` to call. It is called as a plain function, never as a method, so the platform
   * `fetch` of Workers and browsers works as it is.
   *
   * @defaultValue `globalThis.fetch` (on Node, undici: connections are kept alive and reused)
   * @example `{ fetch: (url, init) => myFetch(url, init) }`
   */
  readonly fetch?: FetchLike;
  /**
   * Reuse connections between calls. `false` sends `connection: close` on every request.
   *
   * @defaultValue `true`
   */
  readonly reuseConnections?: boolean;
  /**
   * Durable record of every action, written before the request leaves: business keys keep their
   * request id forever and {@link MarketClient.resumePending} finishes operations a crash
   * interrupted. Without it, an id lives only as long as the call.
   *
   * @defaultValue none
   * @example `{ journal: await openSqliteIdJournal('market-journal.db') }` (`neverlose-market/sqlite`)
   */
  readonly journal?: IdJournal;
  /**
   * Text before generated request ids, of `A-Z a-z 0-9 . - _`.
   *
   * @defaultValue `''`
   * @example `{ idPrefix: 'shop1-' }`
   */
  readonly idPrefix?: string;
  /**
   * Called with every request, response, retry and journal step, for logs, metrics and traces
   * (the same diagnostics go to the `neverlose-market` diagnostics channel). Bodies show
   * `"signature":"[redacted]"`; the API key is never in an event. A hook that throws or rejects is
   * ignored.
   *
   * @defaultValue none
   * @example `{ onDiagnostic: (diagnostic) => logger.debug(diagnostic, diagnostic.type) }`
   */
  readonly onDiagnostic?: (diagnostic: MarketClientDiagnostic) => void;
}

/** @internal The options, checked, with their defaults. */
export interface ResolvedClientOptions {
  readonly userId: number | bigint;
  readonly secret: string;
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly reuseConnections: boolean;
  readonly journal: IdJournal | undefined;
  readonly idPrefix: string;
  readonly onDiagnostic: ((diagnostic: MarketClientDiagnostic) => void) | undefined;
}

/** Every option of `MarketClient` (a key missing here does not compile). */
const CLIENT_OPTIONS = Object.keys({
  userId: true,
  secret: true,
  baseUrl: true,
  timeoutMs: true,
  retries: true,
  retryBaseMs: true,
  retryMaxMs: true,
  fetch: true,
  reuseConnections: true,
  journal: true,
  idPrefix: true,
  onDiagnostic: true,
} satisfies Record<keyof MarketClientOptions, true>);

/** @internal Checks every option, naming the one that is wrong. */
export function resolveClientOptions(options: MarketClientOptions): ResolvedClientOptions {
  const fail = (message: string): never => {
    throw new MarketInputError('ERR_INVALID_OPTION', `MarketClient: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('pass an options object');
  const unknown = unknownOptionKey(options, CLIENT_OPTIONS, 'MarketClient');
  if (unknown) fail(`Invalid option "${unknown.key}": ${unknown.rule}.`);
  const { userId, secret } = options;
  if (
    !(
      (typeof userId === 'number' && Number.isSafeInteger(userId) && userId > 0) ||
      (typeof userId === 'bigint' && userId > 0n)
    )
  ) {
    fail('"userId" must be a positive integer');
  }
  if (typeof secret !== 'string' || secret.length === 0)
    fail('"secret" must be a non-empty string');
  const count = (name: string, value: number | undefined, fallback: number, min: number) => {
    const result = value ?? fallback;
    if (!Number.isSafeInteger(result) || result < min)
      fail(`"${name}" must be an integer >= ${min}`);
    return result;
  };
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') fail('no fetch: pass "fetch"');
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== 'function')
    fail('"onDiagnostic" must be a function');
  const idPrefix = options.idPrefix ?? '';
  if (idPrefix !== '' && !/^[A-Za-z0-9._-]{1,56}$/.test(idPrefix)) {
    fail('"idPrefix" must be at most 56 of A-Z a-z 0-9 . - _');
  }
  return {
    userId,
    secret,
    baseUrl: checkBaseUrl(options.baseUrl ?? MARKET_API_BASE_URL, fail),
    fetch: fetchFn,
    timeoutMs: count('timeoutMs', options.timeoutMs, 10_000, 1),
    retries: count('retries', options.retries, 3, 0),
    retryBaseMs: count('retryBaseMs', options.retryBaseMs, 250, 0),
    retryMaxMs: count('retryMaxMs', options.retryMaxMs, 8000, 0),
    reuseConnections: options.reuseConnections ?? true,
    journal: options.journal,
    idPrefix,
    onDiagnostic: options.onDiagnostic,
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkBaseUrl(value: unknown, fail: (message: string) => never): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(`"baseUrl" ${JSON.stringify(value)} is not a URL`);
  }
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail(`"baseUrl" must be https (plain http only to a loopback host), got ${url.protocol}`);
  }
  if (url.search !== '' || url.hash !== '') fail('"baseUrl" must not have a query or fragment');
  return url.href.replace(/\/+$/, '');
}
