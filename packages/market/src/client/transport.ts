import type { MarketClientDiagnostic } from '../diagnostics/records.js';
import { type DiagnosticSink, redactSignature } from '../diagnostics/sink.js';
import { elapsed } from '../lib/clock.js';
import { MarketTransportError } from './errors.js';
import type { ResolvedClientOptions } from './options.js';

/** The `fetch` the client calls: the global one, or any compatible function. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** @internal Settings of one call's attempts: the client's, and where its events go. */
export interface TransportSettings
  extends Pick<
    ResolvedClientOptions,
    'fetch' | 'timeoutMs' | 'retries' | 'retryBaseMs' | 'retryMaxMs' | 'reuseConnections'
  > {
  readonly events: DiagnosticSink<MarketClientDiagnostic>;
}

/** @internal What came back from the last attempt. */
export interface TransportReply {
  readonly status: number;
  readonly text: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** How long the last attempt took, in milliseconds. */
  readonly durationMs: number;
}

/** @internal Labels for errors. */
export interface CallLabel {
  readonly method: string;
  readonly requestId?: string | number | bigint | undefined;
}

/**
 * @internal Full-jitter exponential backoff: a uniform delay in `[0, min(max, base * 2^(retry-1))]`,
 * so that clients that failed together do not retry together.
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * @internal POSTs `body` (already signed) and retries network errors, timeouts and 5xx with the same
 * bytes, so every retry of an action carries its original id. Other answers are returned as they are.
 */
export async function postWithRetries(
  url: string,
  body: string,
  settings: TransportSettings,
  label: CallLabel,
  signal?: AbortSignal,
): Promise<TransportReply> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
  };
  if (!settings.reuseConnections) headers['connection'] = 'close';
  // Called unbound: the platform `fetch` of Workers and browsers throws "Illegal invocation" when
  // called as a method of another object.
  const fetchFn = settings.fetch;
  const requestId =
    typeof label.requestId === 'bigint' ? label.requestId.toString() : label.requestId;

  const { events } = settings;
  const labels =
    requestId === undefined
      ? { method: label.method }
      : { method: label.method, requestId: String(requestId) };

  for (let attempt = 1; ; attempt++) {
    const context = { method: label.method, requestId, attempts: attempt };
    let failure: MarketTransportError;
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    if (events.active) {
      events.emit({ type: 'market:request', ...labels, attempt, url, body: redactSignature(body) });
    }
    const started = performance.now();
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers,
        body,
        signal: attemptSignal,
      });
      const text = await response.text();
      const durationMs = elapsed(started);
      if (response.status < 500) return { status: response.status, text, attempt, durationMs };
      failure = new MarketTransportError(
        'ERR_MARKET_HTTP_5XX',
        `the server answered HTTP ${response.status}`,
        {
          ...context,
          httpStatus: response.status,
        },
      );
    } catch (cause) {
      if (signal?.aborted) {
        failure = new MarketTransportError('ERR_MARKET_ABORTED', 'the call was aborted', context, {
          cause,
        });
        report(events, labels, attempt, failure, started);
        throw failure;
      }
      failure = timeout.aborted
        ? new MarketTransportError(
            'ERR_MARKET_TIMEOUT',
            `no answer from ${hostOf(url)} within ${settings.timeoutMs} ms`,
            context,
            { cause },
          )
        : new MarketTransportError(
            'ERR_MARKET_NETWORK',
            `network error reaching ${hostOf(url)}: ${describe(cause)}`,
            context,
            { cause },
          );
    }
    report(events, labels, attempt, failure, started);
    if (attempt > settings.retries) throw failure;
    const delayMs = backoffDelay(attempt, settings.retryBaseMs, settings.retryMaxMs);
    if (events.active) {
      events.emit({ type: 'market:retry', ...labels, attempt, code: failure.code, delayMs });
    }
    await sleep(delayMs, signal, context);
  }
}

/** The response event of an attempt that brought no usable answer. */
function report(
  events: DiagnosticSink<MarketClientDiagnostic>,
  labels: { method: string; requestId?: string },
  attempt: number,
  failure: MarketTransportError,
  started: number,
): void {
  if (!events.active) return;
  events.emit({
    type: 'market:response',
    ...labels,
    attempt,
    outcome: 'transport-error',
    code: failure.code,
    ...(failure.httpStatus === undefined ? {} : { status: failure.httpStatus }),
    durationMs: elapsed(started),
  });
}

/** The host a URL names, for messages ("network error reaching user-api.neverlose.cc"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const detail =
    inner instanceof Error ? ` (${(inner as { code?: string }).code ?? inner.message})` : '';
  return `${cause.message}${detail}`;
}

function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  context: { method: string; attempts: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0 && !signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(new MarketTransportError('ERR_MARKET_ABORTED', 'the call was aborted', context));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
