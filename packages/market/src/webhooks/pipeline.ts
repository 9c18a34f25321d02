import { createDiagnosticSink } from '../diagnostics/sink.js';
import { isNeverloseMarketError } from '../errors/index.js';
import { elapsed } from '../lib/clock.js';
import { DUPLICATE, HANDLED, refusalAnswer, type WebhookAnswer } from './answers.js';
import { DedupRun, type DeliveryOutcomes, isThenable } from './dedup-run.js';
import { internalFailure, tooLarge, WebhookError } from './errors.js';
import type { WebhookEvent } from './events.js';
import { readHandlerOptions, type WebhookHandlerOptions } from './handler-options.js';
import { verifyWebhook } from './verify.js';

/** @internal What an adapter got from reading a body: an aborted or failed stream is a result. */
export type BodyRead =
  | { readonly kind: 'body'; readonly body: string | Uint8Array }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'unreadable'; readonly cause: unknown };

/** @internal What the Web, Node and Express handlers share: options checked once, at creation. */
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

/**
 * @internal The webhook handling every adapter shares: the request checks, verification, the
 * dedup state machine ({@link DedupRun}) and the answers ({@link refusalAnswer}), with the
 * diagnostics and `onError` of each outcome. Deliveries of one event that overlap in this process
 * share the first one's answer.
 *
 * @throws {WebhookError} `ERR_INVALID_OPTION` for invalid options.
 */
export function createPipeline(options: WebhookHandlerOptions): WebhookPipeline {
  const settings = readHandlerOptions(options);
  const { secrets, maxBodyBytes } = settings;
  const events = createDiagnosticSink(settings.onDiagnostic);
  const inflight = new Map<string, Promise<WebhookAnswer>>();

  const report = (error: WebhookError): void => {
    try {
      settings.onError(error);
    } catch {
      // A failing logger must not turn an answer into a crash.
    }
  };

  const refuse = (
    error: WebhookError,
    labels: DeliveryLabels = {},
    retryLater = false,
  ): WebhookAnswer => {
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
    return refusalAnswer(error, retryLater);
  };

  const handled = (event: WebhookEvent, started: number, duplicate: boolean): WebhookAnswer => {
    if (events.active) {
      events.emit({
        type: 'webhook:handled',
        kind: event.kind,
        uniqueId: event.uniqueId,
        duplicate,
        durationMs: elapsed(started),
      });
    }
    return duplicate ? DUPLICATE : HANDLED;
  };

  const outcomes: DeliveryOutcomes<WebhookAnswer> = {
    handled,
    refused: (error, event, started, retryLater) =>
      refuse(error, labelsOf(event, started), retryLater),
    report,
  };
  const dedup = new DedupRun(
    settings.store,
    settings.onEvent,
    settings.leaseSeconds,
    settings.ttlSeconds,
    outcomes,
  );

  const failed = (event: WebhookEvent, started: number, error: unknown): WebhookAnswer =>
    refuse(internalFailure(error), labelsOf(event, started));

  /** A delivery whose event another delivery is handling now: answered as that one is. */
  const joinRunning = async (
    event: WebhookEvent,
    started: number,
    running: Promise<WebhookAnswer>,
  ): Promise<WebhookAnswer> => {
    const answer = await running;
    if (answer.status === 200) return handled(event, started, true);
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
    pending: PromiseLike<WebhookAnswer>,
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
    refuse: (error, labels) => refuse(error, labels),
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
      let answer: WebhookAnswer | Promise<WebhookAnswer>;
      try {
        answer = dedup.run(event, started);
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

function labelsOf(event: WebhookEvent, started: number): DeliveryLabels {
  return { kind: event.kind, uniqueId: event.uniqueId, started };
}

/** The key of an event among the deliveries in flight (ids are unique per kind). */
function deliveryKey(event: WebhookEvent): string {
  return `${event.kind}:${event.uniqueId}`;
}
