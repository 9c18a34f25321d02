import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link WebhookError}, with the HTTP status the handlers answer.
 *
 * - `ERR_WEBHOOK_INVALID_JSON` (400): the body is not UTF-8 JSON.
 * - `ERR_WEBHOOK_DUPLICATE_KEY` (400): a field appears twice.
 * - `ERR_WEBHOOK_INVALID_SHAPE` (400): fields missing, extra or of the wrong type.
 * - `ERR_WEBHOOK_UNKNOWN_KIND` (400): a `kind` other than `transfer` and `purchase`.
 * - `ERR_WEBHOOK_SIGNATURE_MISSING` (401): no string `signature` field.
 * - `ERR_WEBHOOK_BAD_SIGNATURE` (401): the signature matches none of the secrets.
 * - `ERR_WEBHOOK_METHOD_NOT_ALLOWED` (405): not a POST.
 * - `ERR_WEBHOOK_UNSUPPORTED_MEDIA_TYPE` (415): not `application/json`.
 * - `ERR_WEBHOOK_BODY_TOO_LARGE` (413): over the body limit.
 * - `ERR_WEBHOOK_BODY_UNREADABLE` (400): the body stream failed or the client went away before its
 *   end (the Node handlers close the connection: nobody is left to read an answer).
 * - `ERR_WEBHOOK_HANDLER_FAILED` (500): your handler threw; the event may be delivered again.
 * - `ERR_WEBHOOK_IN_PROGRESS` (503): another delivery of this event is being handled now (on
 *   another instance); answered with `Retry-After` so the provider delivers it again later.
 * - `ERR_WEBHOOK_DEDUP_UNAVAILABLE` (503): the dedup store failed, so the handler was not run.
 * - `ERR_WEBHOOK_STORE_UNAVAILABLE` (503): your handler failed on a store that could not do its part
 *   (an error `isStoreFailure` recognises: unreachable, timed out, read-only...); its claim was
 *   released and the answer carries `Retry-After`, so the provider delivers it again later.
 * - `ERR_WEBHOOK_BODY_CONSUMED` (500): a body parser (Express) or the framework (a Web `Request`
 *   whose body was already read) consumed the body before the handler could read it.
 * - `ERR_WEBHOOK_INTERNAL` (500): an unexpected failure inside this package; nothing was recorded
 *   as done, so a redelivery is handled again.
 * - `ERR_INVALID_OPTION`: a handler option is invalid (thrown at creation).
 */
export type WebhookErrorCode =
  | 'ERR_WEBHOOK_INVALID_JSON'
  | 'ERR_WEBHOOK_DUPLICATE_KEY'
  | 'ERR_WEBHOOK_INVALID_SHAPE'
  | 'ERR_WEBHOOK_UNKNOWN_KIND'
  | 'ERR_WEBHOOK_SIGNATURE_MISSING'
  | 'ERR_WEBHOOK_BAD_SIGNATURE'
  | 'ERR_WEBHOOK_METHOD_NOT_ALLOWED'
  | 'ERR_WEBHOOK_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_WEBHOOK_BODY_TOO_LARGE'
  | 'ERR_WEBHOOK_BODY_UNREADABLE'
  | 'ERR_WEBHOOK_HANDLER_FAILED'
  | 'ERR_WEBHOOK_IN_PROGRESS'
  | 'ERR_WEBHOOK_DEDUP_UNAVAILABLE'
  | 'ERR_WEBHOOK_STORE_UNAVAILABLE'
  | 'ERR_WEBHOOK_BODY_CONSUMED'
  | 'ERR_WEBHOOK_INTERNAL'
  | 'ERR_INVALID_OPTION';

const STATUS: Record<WebhookErrorCode, number> = {
  ERR_WEBHOOK_INVALID_JSON: 400,
  ERR_WEBHOOK_DUPLICATE_KEY: 400,
  ERR_WEBHOOK_INVALID_SHAPE: 400,
  ERR_WEBHOOK_UNKNOWN_KIND: 400,
  ERR_WEBHOOK_SIGNATURE_MISSING: 401,
  ERR_WEBHOOK_BAD_SIGNATURE: 401,
  ERR_WEBHOOK_METHOD_NOT_ALLOWED: 405,
  ERR_WEBHOOK_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_WEBHOOK_BODY_TOO_LARGE: 413,
  ERR_WEBHOOK_BODY_UNREADABLE: 400,
  ERR_WEBHOOK_HANDLER_FAILED: 500,
  ERR_WEBHOOK_IN_PROGRESS: 503,
  ERR_WEBHOOK_DEDUP_UNAVAILABLE: 503,
  ERR_WEBHOOK_STORE_UNAVAILABLE: 503,
  ERR_WEBHOOK_BODY_CONSUMED: 500,
  ERR_WEBHOOK_INTERNAL: 500,
  ERR_INVALID_OPTION: 500,
};

/** A webhook was refused, or could not be handled; `status` is the HTTP status to answer. */
export class WebhookError extends NeverloseMarketError<WebhookErrorCode> {
  get status(): number {
    return STATUS[this.code];
  }
}

/** @internal The body is over the limit. */
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
