import type { MarketApiErrorCode, MarketTransportErrorCode } from '../client/errors.js';
import type { WebhookErrorCode } from '../webhooks/errors.js';

/**
 * What every event carries. Events never hold a secret: no API key, no `signature` (request
 * bodies show `"signature":"[redacted]"`), no reseller token.
 */
export interface MarketDiagnosticBase {
  /** When the event happened, in milliseconds since the epoch. */
  readonly timestamp: number;
}

/** Labels of one market API call, shared by its request, retry and response events. */
interface MarketCallLabels {
  /** The API method, such as `gift-product`. */
  readonly method: string;
  /** The request id sent (actions only), as text: the span id of one operation. */
  readonly requestId?: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** An attempt is about to be sent. */
export interface MarketRequestDiagnostic extends MarketDiagnosticBase, MarketCallLabels {
  readonly type: 'market:request';
  /** The URL posted to. */
  readonly url: string;
  /** The JSON body sent, its `signature` replaced by `[redacted]`. */
  readonly body: string;
}

/** How an attempt ended, in {@link MarketResponseDiagnostic.outcome}. */
export type MarketOutcome =
  /** `success: true`. */
  | 'ok'
  /** `Invalid id.` to an id that is this operation's own: applied before. */
  | 'already-completed'
  /** `success: false`: `code` is the {@link MarketApiErrorCode}. */
  | 'api-error'
  /** No usable answer (timeout, network, 5xx, unreadable): `code` says which; may be retried. */
  | 'transport-error';

/** An attempt ended: with an answer, or without one (`outcome: 'transport-error'`). */
export interface MarketResponseDiagnostic extends MarketDiagnosticBase, MarketCallLabels {
  readonly type: 'market:response';
  readonly outcome: MarketOutcome;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** From sending the request to reading the whole answer (or failing), in milliseconds. */
  readonly durationMs: number;
  /** The error's code, for `api-error` and `transport-error`. */
  readonly code?: MarketApiErrorCode | MarketTransportErrorCode;
}

/** A failed attempt will be sent again, with the same id and bytes, after `delayMs`. */
export interface MarketRetryDiagnostic extends MarketDiagnosticBase, MarketCallLabels {
  readonly type: 'market:retry';
  /** Why the attempt failed. */
  readonly code: MarketTransportErrorCode;
  /** The jittered wait before the next attempt, in milliseconds. */
  readonly delayMs: number;
}

/** The id journal recorded or answered an action. */
export interface MarketJournalDiagnostic extends MarketDiagnosticBase {
  readonly type: 'market:journal';
  /**
   * - `begin`: a new operation was written before its request left;
   * - `reuse`: the key was already pending (its original id is sent again);
   * - `replay`: the key is completed or failed: answered from the journal, nothing sent;
   * - `complete` / `fail`: the outcome was recorded;
   * - `resume`: `resumePending()` re-sends a pending operation.
   */
  readonly action: 'begin' | 'reuse' | 'replay' | 'complete' | 'fail' | 'resume';
  readonly method: string;
  /** The business key (or `id:<request id>`). */
  readonly key: string;
  readonly requestId: string;
}

/** A webhook body was read in full and is about to be verified. */
export interface WebhookReceivedDiagnostic extends MarketDiagnosticBase {
  readonly type: 'webhook:received';
  /** The body's size in bytes (UTF-16 units for a string body). */
  readonly bytes: number;
}

/** A webhook was refused or failed: answered with `status` (4xx, or 500/503). */
export interface WebhookRefusedDiagnostic extends MarketDiagnosticBase {
  readonly type: 'webhook:refused';
  readonly code: WebhookErrorCode;
  readonly status: number;
  /** The error's message (no secret, no signature: values from the body are not quoted). */
  readonly message: string;
  /** Known once the event is verified (handler failures, dedup refusals). */
  readonly kind?: string;
  readonly uniqueId?: number;
  /** Since the body was read, when it was. */
  readonly durationMs?: number;
}

/** A verified webhook was answered 200: handled now, or a duplicate of one handled before. */
export interface WebhookHandledDiagnostic extends MarketDiagnosticBase {
  readonly type: 'webhook:handled';
  readonly kind: string;
  readonly uniqueId: number;
  /** `true`: the event was handled before, `onEvent` did not run. */
  readonly duplicate: boolean;
  /** Since the body was read: verification, dedup and your `onEvent`, in milliseconds. */
  readonly durationMs: number;
}

/** The diagnostics of {@link MarketClient}. */
export type MarketClientDiagnostic =
  | MarketRequestDiagnostic
  | MarketResponseDiagnostic
  | MarketRetryDiagnostic
  | MarketJournalDiagnostic;

/** The diagnostics of the webhook handlers. */
export type WebhookHandlerDiagnostic =
  | WebhookReceivedDiagnostic
  | WebhookRefusedDiagnostic
  | WebhookHandledDiagnostic;

/**
 * Everything this package reports: to a component's `onDiagnostic` hook ({@link MarketClient}
 * and the webhook handlers), to the `neverlose-market` diagnostics channel, and with
 * `NODE_DEBUG=neverlose-market` to stderr. Switch on `type`.
 *
 * @example
 * ```ts
 * const client = new MarketClient({
 *   userId, secret,
 *   onDiagnostic(diagnostic) {
 *     if (diagnostic.type === 'market:retry') log.warn(diagnostic, 'market call retried');
 *     if (diagnostic.type === 'market:response') metrics.timing('market', diagnostic.durationMs);
 *   },
 * });
 * ```
 */
export type MarketDiagnostic = MarketClientDiagnostic | WebhookHandlerDiagnostic;

/** The `type` of every {@link MarketDiagnostic}. */
export type MarketDiagnosticType = MarketDiagnostic['type'];
