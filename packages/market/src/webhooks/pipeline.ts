import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import type { WebhookHandlerDiagnostic } from '../diagnostics/records.js';
import { createDiagnosticSink } from '../diagnostics/sink.js';
import { isNeverloseMarketError } from '../errors/index.js';
import { isStoreFailure } from '../errors/store-failure.js';
import type { Awaitable } from '../journal/journal.js';
import { elapsed } from '../lib/clock.js';
import { WebhookError, type WebhookErrorCode } from './errors.js';
import type { WebhookEvent } from './events.js';
import { verifyWebhook } from './verify.js';
import {
  type DedupClaim,
  MemoryWebhookDedupStore,
  type WebhookDedupStore,
} from './webhook-dedup-store.js';

/** Options shared by the webhook handlers (Web, Node `http`, Express). */
export interface WebhookHandlerOptions {
  /**
   * Your market API key, or several during a key rotation (any one may match).
   *
   * @example `{ secret: [process.env.NEVERLOSE_API_KEY!, process.env.NEVERLOSE_OLD_API_KEY!] }`
   */
  readonly secret: string | readonly string[];
  /**
   * Runs once per verified event (a redelivery of the same `kind` + `unique_id` is answered 200
   * without running it again). Throwing answers 500, and the provider may deliver it again.
   *
   * Make it idempotent on `kind` + `uniqueId` as well (a unique index on your own records): the
   * provider signs no timestamp, so a captured webhook stays valid forever, and the dedup store
   * remembers an event only for `dedupTtlSeconds` (and the default one only until a restart).
   */
  readonly onEvent: (event: WebhookEvent) => unknown;
  /**
   * Where handled events are remembered. Use a durable store in production:
   * `await openSqliteWebhookDedupStore(file)` on one instance, `RedisWebhookDedupStore`
   * (`neverlose-redis`) for several. With the default, a restart forgets every event and a
   * replayed webhook runs its handler again; when `NODE_ENV` is `production` a warning with code
   * `NEVERLOSE_MEMORY_DEDUP` is emitted once per process.
   *
   * @defaultValue a new {@link MemoryWebhookDedupStore} (this process only, forgotten on restart)
   * @example `{ dedupStore: await openSqliteWebhookDedupStore('/var/lib/shop/market.db') }`
   */
  readonly dedupStore?: WebhookDedupStore;
  /**
   * How long a handled event is remembered, in seconds.
   *
   * @defaultValue `2592000` (30 days)
   */
  readonly dedupTtlSeconds?: number;
  /**
   * How long a delivery holds its claim on an event while the handler runs, in seconds. A
   * duplicate arriving meanwhile is answered 503 with `Retry-After`; if the instance dies, the
   * event is free again after this long. Make it longer than your slowest handler.
   * @defaultValue `300` (5 minutes)
   */
  readonly dedupLeaseSeconds?: number;
  /**
   * Largest body accepted, in bytes; larger ones are answered 413 without being read to the end.
   * Real events are about 200 bytes.
   *
   * @defaultValue `16384` (16 KiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Called with the error of every refused or failed webhook, for logging. An exception it throws
   * is ignored: it cannot change the answer.
   *
   * @defaultValue logs failures on your side with `console.error` (500s, and a store that
   *   failed), nothing else
   * @example `{ onError: (error) => logger.warn({ code: error.code, status: error.status }, error.message) }`
   */
  readonly onError?: (error: WebhookError) => void;
  /**
   * Called with a diagnostic event for every delivery: `webhook:received` (the body was read),
   * then `webhook:handled` (200, `duplicate` when handled before) or `webhook:refused` (its code
   * and status), with durations, for logs, metrics and traces. The same events go to the
   * `neverlose-market` diagnostics channel. No event holds the signature or the secret. A hook
   * that throws or rejects is ignored. (`onEvent` is the verified webhook itself.)
   *
   * @defaultValue none
   * @example `{ onDiagnostic: (event) => logger.info(event, event.type) }`
   */
  readonly onDiagnostic?: (event: WebhookHandlerDiagnostic) => void;
}

/** @internal What to answer. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The code of a refusal, for the events of a duplicate that shares it. */
  readonly code?: WebhookErrorCode;
}

/** @internal What an adapter got from reading a body: an aborted or failed stream is a result. */
export type BodyRead =
  | { readonly kind: 'body'; readonly body: string | Uint8Array }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'unreadable'; readonly cause: unknown };

/** @internal Options checked once, when a handler is created. */
export interface WebhookPipeline {
  readonly maxBodyBytes: number;
  /** Checks the method and content type before the body is read; `undefined` to go on. */
  precheck(
    method: string,
    contentType: string | null | undefined,
    contentLength: string | null | undefined,
  ): WebhookAnswer | undefined;
  /**
   * Verifies and dispatches a body. Never throws or rejects. The answer is synchronous when the
   * dedup store and `onEvent` are (memory, SQLite): no promise is made for such a delivery.
   */
  handle(body: string | Uint8Array): WebhookAnswer | Promise<WebhookAnswer>;
  /** The answer to an error found by an adapter (413 or 400 while reading). Never throws. */
  refuse(error: WebhookError, labels?: DeliveryLabels): WebhookAnswer;
}

/** @internal What is known of a delivery when it is answered. */
export interface DeliveryLabels {
  readonly kind?: string;
  readonly uniqueId?: number;
  /** `performance.now()` when its body was read. */
  readonly started?: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const HANDLED: WebhookAnswer = { status: 200, headers: JSON_HEADERS, body: '{"ok":true}' };
const DUPLICATE: WebhookAnswer = {
  status: 200,
  headers: JSON_HEADERS,
  body: '{"ok":true,"duplicate":true}',
};
/** Seconds a duplicate is asked to wait while another delivery of its event runs. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The media type accepted: `application/json`, case-insensitive, with no parameter other than
 * `charset=utf-8`. The provider sends plain `application/json`; a charset other than UTF-8 would
 * change what the signature covers, so it is refused (415) rather than guessed.
 */
export function isJsonContentType(value: string | null | undefined): boolean {
  if (!value) return false;
  // What the provider sends: no need to take it apart.
  if (value === 'application/json') return true;
  const [type = '', ...params] = value.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [name = '', raw = ''] = param.split('=');
    return (
      name.trim().toLowerCase() === 'charset' &&
      raw.trim().replace(/^"|"$/g, '').toLowerCase() === 'utf-8'
    );
  });
}

/** Every option of the webhook handlers (a key missing here does not compile). */
const HANDLER_OPTIONS = Object.keys({
  secret: true,
  onEvent: true,
  dedupStore: true,
  dedupTtlSeconds: true,
  dedupLeaseSeconds: true,
  maxBodyBytes: true,
  onError: true,
  onDiagnostic: true,
} satisfies Record<keyof WebhookHandlerOptions, true>);

/** @internal */
export function createPipeline(options: WebhookHandlerOptions): WebhookPipeline {
  const invalid = (message: string): never => {
    throw new WebhookError('ERR_INVALID_OPTION', message);
  };
  if (typeof options !== 'object' || options === null) invalid('Pass an options object.');
  const unknown = unknownOptionKey(options, HANDLER_OPTIONS, 'the webhook handlers');
  if (unknown) invalid(`Invalid option "${unknown.key}": ${unknown.rule}.`);
  const secrets =
    typeof options.secret === 'string' ? [options.secret] : [...(options.secret ?? [])];
  if (
    secrets.length === 0 ||
    secrets.some((secret) => typeof secret !== 'string' || secret === '')
  ) {
    invalid('"secret" must be a non-empty string or a non-empty array of them');
  }
  if (typeof options.onEvent !== 'function') invalid('"onEvent" must be a function');
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== 'function')
    invalid('"onDiagnostic" must be a function');
  const events = createDiagnosticSink(options.onDiagnostic);
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const ttl = options.dedupTtlSeconds ?? 30 * 24 * 3600;
  const lease = options.dedupLeaseSeconds ?? 300;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    invalid('"maxBodyBytes" must be a positive integer');
  if (!Number.isSafeInteger(ttl) || ttl < 1)
    invalid('"dedupTtlSeconds" must be a positive integer');
  if (!Number.isSafeInteger(lease) || lease < 1)
    invalid('"dedupLeaseSeconds" must be a positive integer');
  const store = options.dedupStore ?? new MemoryWebhookDedupStore();
  if (store instanceof MemoryWebhookDedupStore) warnOfMemoryDedupInProduction();
  const onError =
    options.onError ??
    ((error: WebhookError) => {
      if (
        error.status === 500 ||
        error.code === 'ERR_WEBHOOK_DEDUP_UNAVAILABLE' ||
        error.code === 'ERR_WEBHOOK_STORE_UNAVAILABLE'
      )
        console.error(error);
    });
  const report = (error: WebhookError): void => {
    try {
      onError(error);
    } catch {
      // A failing logger must not turn an answer into a crash.
    }
  };
  const inflight = new Map<string, Promise<WebhookAnswer>>();

  const refuse = (error: WebhookError, labels: DeliveryLabels = {}): WebhookAnswer => {
    report(error);
    if (events.active) {
      events.emit({
        type: 'webhook:refused',
        code: error.code,
        status: error.status,
        message: error.message,
        ...(labels.kind === undefined ? {} : { kind: labels.kind }),
        ...(labels.uniqueId === undefined ? {} : { uniqueId: labels.uniqueId }),
        ...(labels.started === undefined ? {} : { durationMs: elapsed(labels.started) }),
      });
    }
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (error.code === 'ERR_WEBHOOK_METHOD_NOT_ALLOWED') headers['allow'] = 'POST';
    // A handler failure's message may hold internals: only the code goes back.
    const message = error.status >= 500 ? undefined : error.message;
    return {
      status: error.status,
      headers,
      body: JSON.stringify({ ok: false, error: error.code, message }),
      code: error.code,
    };
  };

  const handled = (event: WebhookEvent, started: number, duplicate: boolean): void => {
    if (!events.active) return;
    events.emit({
      type: 'webhook:handled',
      kind: event.kind,
      uniqueId: event.uniqueId,
      duplicate,
      durationMs: elapsed(started),
    });
  };

  const labelsOf = (event: WebhookEvent, started: number): DeliveryLabels => ({
    kind: event.kind,
    uniqueId: event.uniqueId,
    started,
  });

  /**
   * Claims the event, runs `onEvent`, records the event done. Each step goes on at once when the
   * store or the handler returns a plain value, and after it settles when it returns a thenable.
   */
  const dispatch = (event: WebhookEvent, started: number): Step => {
    let claim: Awaitable<DedupClaim>;
    try {
      claim = store.claim(event.kind, event.uniqueId, lease);
    } catch (cause) {
      return claimFailed(event, started, cause);
    }
    if (!isThenable(claim)) return claimed(event, started, claim);
    return Promise.resolve(claim).then(
      (settled) => claimed(event, started, settled),
      (cause: unknown) => claimFailed(event, started, cause),
    );
  };

  const claimFailed = (event: WebhookEvent, started: number, cause: unknown): WebhookAnswer =>
    retryLater(
      new WebhookError(
        'ERR_WEBHOOK_DEDUP_UNAVAILABLE',
        `The dedup store failed; the ${event.kind} webhook ${event.uniqueId} was not handled.`,
        { cause },
      ),
      labelsOf(event, started),
    );

  const claimed = (event: WebhookEvent, started: number, claim: DedupClaim): Step => {
    if (claim === 'done') {
      handled(event, started, true);
      return DUPLICATE;
    }
    if (claim === 'processing') {
      return retryLater(
        new WebhookError(
          'ERR_WEBHOOK_IN_PROGRESS',
          `The ${event.kind} webhook ${event.uniqueId} is being handled by another delivery; try again later.`,
        ),
        labelsOf(event, started),
      );
    }
    let running: unknown;
    try {
      running = options.onEvent(event);
    } catch (cause) {
      return handlerFailed(event, started, cause);
    }
    if (!isThenable(running)) return complete(event, started);
    return Promise.resolve(running).then(
      () => complete(event, started),
      (cause: unknown) => handlerFailed(event, started, cause),
    );
  };

  const handlerFailed = (event: WebhookEvent, started: number, cause: unknown): Step => {
    // A store the handler needed failed: not handled, ask for a later delivery.
    const answer = isStoreFailure(cause)
      ? () =>
          retryLater(
            new WebhookError(
              'ERR_WEBHOOK_STORE_UNAVAILABLE',
              `A store failed while the ${event.kind} webhook ${event.uniqueId} was handled; try again later.`,
              { cause },
            ),
            labelsOf(event, started),
          )
      : () =>
          refuse(
            new WebhookError(
              'ERR_WEBHOOK_HANDLER_FAILED',
              `The ${event.kind} webhook handler failed for unique_id ${event.uniqueId}.`,
              { cause },
            ),
            labelsOf(event, started),
          );
    let released: Awaitable<void>;
    try {
      released = store.release(event.kind, event.uniqueId);
    } catch {
      // The claim then expires with its lease, and a redelivery runs the handler again.
      return answer();
    }
    return isThenable(released) ? Promise.resolve(released).then(answer, answer) : answer();
  };

  const complete = (event: WebhookEvent, started: number): Step => {
    let recorded: Awaitable<void>;
    try {
      recorded = store.complete(event.kind, event.uniqueId, ttl);
    } catch (cause) {
      return notRecorded(event, started, cause);
    }
    if (!isThenable(recorded)) return completed(event, started);
    return Promise.resolve(recorded).then(
      () => completed(event, started),
      (cause: unknown) => notRecorded(event, started, cause),
    );
  };

  const completed = (event: WebhookEvent, started: number): WebhookAnswer => {
    handled(event, started, false);
    return HANDLED;
  };

  /** The handler ran: answer 200 so it is not run again; the claim expires with its lease. */
  const notRecorded = (event: WebhookEvent, started: number, cause: unknown): WebhookAnswer => {
    report(
      new WebhookError(
        'ERR_WEBHOOK_DEDUP_UNAVAILABLE',
        `The ${event.kind} webhook ${event.uniqueId} was handled but could not be recorded as done.`,
        { cause },
      ),
    );
    return completed(event, started);
  };

  const failed = (event: WebhookEvent, started: number, error: unknown): WebhookAnswer =>
    refuse(internalFailure(error), labelsOf(event, started));

  const retryLater = (error: WebhookError, labels: DeliveryLabels): WebhookAnswer => {
    const answer = refuse(error, labels);
    return {
      ...answer,
      headers: { ...answer.headers, 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  };

  /** A delivery whose event another delivery is handling now: answered as that one is. */
  const joinRunning = async (
    event: WebhookEvent,
    started: number,
    running: Promise<WebhookAnswer>,
  ): Promise<WebhookAnswer> => {
    const answer = await running;
    if (answer.status === 200) {
      handled(event, started, true);
      return DUPLICATE;
    }
    if (events.active && answer.code !== undefined) {
      events.emit({
        type: 'webhook:refused',
        code: answer.code,
        status: answer.status,
        message: `The same ${event.kind} webhook, delivered concurrently, was refused.`,
        kind: event.kind,
        uniqueId: event.uniqueId,
        durationMs: elapsed(started),
      });
    }
    return answer;
  };

  /** Until its answer, a delivery that waits on its store or handler is found by its event. */
  const track = async (
    key: string,
    event: WebhookEvent,
    started: number,
    pending: Promise<WebhookAnswer>,
  ): Promise<WebhookAnswer> => {
    try {
      return await pending;
    } catch (error) {
      return failed(event, started, error);
    } finally {
      inflight.delete(key);
    }
  };

  return {
    maxBodyBytes,
    refuse,
    precheck(method, contentType, contentLength) {
      if (method !== 'POST') {
        return refuse(
          new WebhookError(
            'ERR_WEBHOOK_METHOD_NOT_ALLOWED',
            `Method ${method} is not allowed; webhooks are POST.`,
          ),
        );
      }
      if (!isJsonContentType(contentType)) {
        return refuse(
          new WebhookError(
            'ERR_WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
            `Content-Type must be application/json, got ${JSON.stringify(contentType ?? null)}.`,
          ),
        );
      }
      if (contentLength && Number(contentLength) > maxBodyBytes)
        return refuse(tooLarge(maxBodyBytes));
      return undefined;
    },
    handle(body) {
      const started = performance.now();
      if (events.active) events.emit({ type: 'webhook:received', bytes: body.length });
      let event: WebhookEvent;
      try {
        event = verifyWebhook(body, secrets);
      } catch (error) {
        return refuse(
          isNeverloseMarketError(error) && error instanceof WebhookError
            ? error
            : internalFailure(error),
          { started },
        );
      }
      if (inflight.size > 0) {
        const running = inflight.get(deliveryKey(event));
        if (running) return joinRunning(event, started, running);
      }
      let answer: Step;
      try {
        answer = dispatch(event, started);
      } catch (error) {
        return failed(event, started, error);
      }
      // Done already: nothing else ran meanwhile, so no other delivery can have met it.
      if (!isThenable(answer)) return answer;
      const key = deliveryKey(event);
      const task = track(key, event, started, answer);
      inflight.set(key, task);
      return task;
    },
  };
}

/** An answer, or the promise of one while a store or handler call is pending. */
type Step = WebhookAnswer | Promise<WebhookAnswer>;

/** The key of an event among the deliveries in flight (ids are unique per kind). */
function deliveryKey(event: WebhookEvent): string {
  return `${event.kind}:${event.uniqueId}`;
}

/** @internal */
export function tooLarge(limit: number): WebhookError {
  return new WebhookError('ERR_WEBHOOK_BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`);
}

/** @internal The body stream failed, or the client went away before its end. */
export function unreadableBody(cause: unknown): WebhookError {
  return new WebhookError(
    'ERR_WEBHOOK_BODY_UNREADABLE',
    'The body could not be read to its end (the stream failed or the client went away).',
    { cause },
  );
}

/** @internal Anything unexpected: answered 500, never thrown out of a handler. */
export function internalFailure(cause: unknown): WebhookError {
  return new WebhookError(
    'ERR_WEBHOOK_INTERNAL',
    'The webhook could not be handled because of an unexpected failure.',
    { cause },
  );
}

let warnedOfMemoryDedup = false;

/**
 * Once per process, where there is a `process` (not in a Worker): the default dedup store forgets
 * every event on restart, and the provider's webhooks carry no timestamp, so an old one replays.
 */
function warnOfMemoryDedupInProduction(): void {
  const host = (globalThis as { process?: Partial<NodeJS.Process> }).process;
  if (warnedOfMemoryDedup || host?.env?.['NODE_ENV'] !== 'production') return;
  if (typeof host.emitWarning !== 'function') return;
  warnedOfMemoryDedup = true;
  host.emitWarning(
    'A Neverlose webhook handler runs on the in-memory dedup store: after a restart a replayed ' +
      'webhook runs its handler again. Pass a durable dedupStore (openSqliteWebhookDedupStore, ' +
      'RedisWebhookDedupStore) and make the handler idempotent on kind + unique_id.',
    { type: 'NeverloseMarketWarning', code: 'NEVERLOSE_MEMORY_DEDUP' },
  );
}

/**
 * A synchronous store or handler (SQLite, memory) returns a plain value: awaiting it would still
 * cost a turn of the microtask queue per step, so only a thenable is awaited.
 */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
