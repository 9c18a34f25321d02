import type { WebhookError, WebhookErrorCode } from './errors.js';

/** @internal What to answer: the same for the Web, Node and Express handlers. */
export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The code of a refusal, for the events of a duplicate that shares it. */
  readonly code?: WebhookErrorCode;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A constant answer, with its length: `node:http` then sends it without chunked framing. */
function fixedAnswer(status: number, body: string): WebhookAnswer {
  return {
    status,
    headers: { ...JSON_HEADERS, 'content-length': String(new TextEncoder().encode(body).length) },
    body,
  };
}

/** @internal The event was handled now. */
export const HANDLED: WebhookAnswer = fixedAnswer(200, '{"ok":true}');

/** @internal The event had been handled before: 200, so the provider stops delivering it. */
export const DUPLICATE: WebhookAnswer = fixedAnswer(200, '{"ok":true,"duplicate":true}');

/** Seconds a delivery is asked to wait before the next attempt. */
const RETRY_AFTER_SECONDS = 5;

/**
 * @internal The answer to a refused or failed webhook: the error's status, its code, and its
 * message unless it is a failure on our side (a handler's message may hold internals: only the
 * code goes back). `Allow: POST` on a 405; `Retry-After` when `retryLater`.
 */
export function refusalAnswer(error: WebhookError, retryLater: boolean): WebhookAnswer {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (error.code === 'ERR_WEBHOOK_METHOD_NOT_ALLOWED') headers['allow'] = 'POST';
  if (retryLater) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  const message = error.status >= 500 ? undefined : error.message;
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ ok: false, error: error.code, message }),
    code: error.code,
  };
}
