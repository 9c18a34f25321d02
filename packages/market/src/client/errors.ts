import { NeverloseMarketError } from '../errors.js';

/**
 * Codes of {@link MarketApiError}: the API answered `success: false`.
 *
 * - `ERR_MARKET_USER_NOT_FOUND`: `User doesn't exist`.
 * - `ERR_MARKET_ALREADY_OWNED`: `This user already has this item`.
 * - `ERR_MARKET_INVALID_ITEM`: `invalid item` (unknown market code).
 * - `ERR_MARKET_ID_COLLISION`: `Invalid id.` on the first attempt of an action: the id was already
 *   used by another, completed action. On a retry the same answer is the success-like outcome
 *   `{ status: 'already-completed' }` instead, never this error.
 * - `ERR_MARKET_INVALID_CONTENT_TYPE`: `invalid content type(not application/json)`.
 * - `ERR_MARKET_API`: any other message; read `providerMessage`.
 */
export type MarketApiErrorCode =
  | 'ERR_MARKET_USER_NOT_FOUND'
  | 'ERR_MARKET_ALREADY_OWNED'
  | 'ERR_MARKET_INVALID_ITEM'
  | 'ERR_MARKET_ID_COLLISION'
  | 'ERR_MARKET_INVALID_CONTENT_TYPE'
  | 'ERR_MARKET_API';

/**
 * Codes of {@link MarketTransportError}: no usable answer came back.
 *
 * - `ERR_MARKET_TIMEOUT`: an attempt exceeded `timeoutMs` (retried).
 * - `ERR_MARKET_NETWORK`: the connection failed (retried).
 * - `ERR_MARKET_HTTP_5XX`: the server answered 5xx (retried).
 * - `ERR_MARKET_HTTP_STATUS`: another non-2xx status without an API error body (not retried).
 * - `ERR_MARKET_INVALID_REPLY`: a 2xx body that is not the API's JSON reply (not retried).
 * - `ERR_MARKET_ABORTED`: the caller's `signal` aborted the call.
 *
 * After a transport error an action may or may not have been applied: call again with the same
 * business key (with a journal), or the same `id` and `resend: true`, never a new id.
 */
export type MarketTransportErrorCode =
  | 'ERR_MARKET_TIMEOUT'
  | 'ERR_MARKET_NETWORK'
  | 'ERR_MARKET_HTTP_5XX'
  | 'ERR_MARKET_HTTP_STATUS'
  | 'ERR_MARKET_INVALID_REPLY'
  | 'ERR_MARKET_ABORTED';

/**
 * Codes of {@link MarketInputError}: refused before anything was sent.
 *
 * - `ERR_MARKET_INVALID_ID`: a request id that is not 1-80 of `A-Z a-z 0-9 . - _`.
 * - `ERR_MARKET_INVALID_PARAMS`: a method parameter breaks the documented rules.
 * - `ERR_MARKET_INVALID_OPTIONS`: a client option is invalid.
 */
export type MarketInputErrorCode =
  | 'ERR_MARKET_INVALID_ID'
  | 'ERR_MARKET_INVALID_PARAMS'
  | 'ERR_MARKET_INVALID_OPTIONS';

/** Every code the market client throws. */
export type MarketClientErrorCode =
  | MarketApiErrorCode
  | MarketTransportErrorCode
  | MarketInputErrorCode;

/** Context shared by the client's errors. */
export interface MarketErrorContext {
  /** The API method, such as `gift-product`. */
  readonly method: string;
  /** The request id sent, for actions. */
  readonly requestId?: string | number | undefined;
  /** Attempts made, including the last one. */
  readonly attempts: number;
  /** The HTTP status of the last answer, when there was one. */
  readonly httpStatus?: number | undefined;
}

/** The provider's known messages, normalised (lower case, no trailing dot). */
const KNOWN_MESSAGES: ReadonlyMap<string, MarketApiErrorCode> = new Map([
  ["user doesn't exist", 'ERR_MARKET_USER_NOT_FOUND'],
  ['user does not exist', 'ERR_MARKET_USER_NOT_FOUND'],
  ['this user already has this item', 'ERR_MARKET_ALREADY_OWNED'],
  ['invalid item', 'ERR_MARKET_INVALID_ITEM'],
  ['invalid id', 'ERR_MARKET_ID_COLLISION'],
  ['invalid content type(not application/json)', 'ERR_MARKET_INVALID_CONTENT_TYPE'],
]);

/** Maps a provider error message to its stable code (`ERR_MARKET_API` when unknown). */
export function apiErrorCode(providerMessage: string): MarketApiErrorCode {
  const normalised = providerMessage.trim().replace(/\.+$/, '').toLowerCase();
  return KNOWN_MESSAGES.get(normalised) ?? 'ERR_MARKET_API';
}

/** True when the provider's message is `Invalid id.` (the id was used by a completed action). */
export function isInvalidIdMessage(providerMessage: string): boolean {
  return apiErrorCode(providerMessage) === 'ERR_MARKET_ID_COLLISION';
}

/**
 * The API refused the request (`success: false`). Final: retrying the same request gives the same
 * answer. `providerMessage` is the provider's text, unchanged.
 *
 * @example
 * ```ts
 * try {
 *   await client.giftProduct({ key: order.id, username, product: 'cs2', days: 30 });
 * } catch (error) {
 *   if (isNeverloseMarketError(error) && error.code === 'ERR_MARKET_USER_NOT_FOUND') refund(order);
 *   else throw error;
 * }
 * ```
 */
export class MarketApiError
  extends NeverloseMarketError<MarketApiErrorCode>
  implements MarketErrorContext
{
  readonly providerMessage: string;
  readonly method: string;
  readonly requestId: string | number | undefined;
  readonly attempts: number;
  readonly httpStatus: number | undefined;
  /** The parsed reply, all fields. */
  readonly reply: Readonly<Record<string, unknown>>;

  constructor(
    providerMessage: string,
    context: MarketErrorContext & {
      reply?: Readonly<Record<string, unknown>>;
      code?: MarketApiErrorCode;
    },
  ) {
    const code = context.code ?? apiErrorCode(providerMessage);
    super(code, `${context.method}: the API answered "${providerMessage}" (${code})`);
    this.providerMessage = providerMessage;
    this.method = context.method;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
    this.httpStatus = context.httpStatus;
    this.reply = context.reply ?? {};
  }
}

/** No usable answer: timeout, network failure, 5xx after every retry, or an unreadable reply. */
export class MarketTransportError
  extends NeverloseMarketError<MarketTransportErrorCode>
  implements MarketErrorContext
{
  readonly method: string;
  readonly requestId: string | number | undefined;
  readonly attempts: number;
  readonly httpStatus: number | undefined;

  constructor(
    code: MarketTransportErrorCode,
    message: string,
    context: MarketErrorContext,
    options?: { cause?: unknown },
  ) {
    super(code, `${context.method}: ${message}`, options);
    this.method = context.method;
    this.requestId = context.requestId;
    this.attempts = context.attempts;
    this.httpStatus = context.httpStatus;
  }

  /** Whether another attempt with the same id may succeed. */
  get retryable(): boolean {
    return (
      this.code === 'ERR_MARKET_TIMEOUT' ||
      this.code === 'ERR_MARKET_NETWORK' ||
      this.code === 'ERR_MARKET_HTTP_5XX'
    );
  }
}

/** Input refused before sending: nothing left the process. */
export class MarketInputError extends NeverloseMarketError<MarketInputErrorCode> {}
