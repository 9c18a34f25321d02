import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link MarketApiError}: the API answered `success: false`. None is retried by the
 * client: the same request gets the same answer.
 *
 * Fix your configuration (every call fails until you do):
 * - `ERR_MARKET_INVALID_SIGNATURE`: `Invalid signature`. The API key (`secret`) is not the key of
 *   this `userId`: check both on the market API settings page.
 * - `ERR_MARKET_INVALID_USER_ID`: `Invalid user_id`. No market account has this `userId`.
 * - `ERR_MARKET_RESELLER_ONLY`: `This method is available for official resellers only`.
 * - `ERR_MARKET_INTEGRATION_REQUIRED`: `Reseller integration is not enabled for this account`.
 * - `ERR_MARKET_INVALID_INTEGRATION_ID`: `Invalid integration_id`: not your integration's id.
 * - `ERR_MARKET_INVALID_CONTENT_TYPE`: `invalid content type(not application/json)`: a custom
 *   `fetch` changed the `Content-Type` header.
 *
 * This request cannot be done (act on it: refund, tell the user, change the order):
 * - `ERR_MARKET_USER_NOT_FOUND`: `User doesn't exist`.
 * - `ERR_MARKET_USER_NOT_INVITED`: `User is not invited to this product` (a private product; see
 *   `isUserInvited`).
 * - `ERR_MARKET_ALREADY_OWNED`: `This user already has this item`.
 * - `ERR_MARKET_INVALID_ITEM`: `invalid item` (unknown market code).
 * - `ERR_MARKET_INVALID_PRODUCT`: `Invalid product` (unknown product name).
 * - `ERR_MARKET_SELF_TRANSFER`: `You can't transfer to yourself`.
 * - `ERR_MARKET_INSUFFICIENT_BALANCE`: `Not enough balance`. Retryable once your balance is
 *   topped up: send again with a new business key, or the same one without a journal (the
 *   provider did not use the id). A journal records the failure as final for its key.
 * - `ERR_MARKET_INVALID_REQUEST`: the provider refused a field's format (`Invalid username`,
 *   `Invalid amount`, `Invalid cnt`, `Invalid id format`, `Invalid prices format: ...`, `Invalid
 *   JSON`...), which the client's own checks should have caught: report it.
 * - `ERR_MARKET_ID_COLLISION`: `Invalid id.` on the first attempt of an action: the id was already
 *   used by another, completed action. On a retry (or an id that is this operation's own) the same
 *   answer is the success-like outcome `{ status: 'already-completed' }` instead, never this error.
 * - `ERR_MARKET_API`: any other message; read `providerMessage`.
 */
export type MarketApiErrorCode =
  | 'ERR_MARKET_INVALID_SIGNATURE'
  | 'ERR_MARKET_INVALID_USER_ID'
  | 'ERR_MARKET_RESELLER_ONLY'
  | 'ERR_MARKET_INTEGRATION_REQUIRED'
  | 'ERR_MARKET_INVALID_INTEGRATION_ID'
  | 'ERR_MARKET_INVALID_CONTENT_TYPE'
  | 'ERR_MARKET_USER_NOT_FOUND'
  | 'ERR_MARKET_USER_NOT_INVITED'
  | 'ERR_MARKET_ALREADY_OWNED'
  | 'ERR_MARKET_INVALID_ITEM'
  | 'ERR_MARKET_INVALID_PRODUCT'
  | 'ERR_MARKET_SELF_TRANSFER'
  | 'ERR_MARKET_INSUFFICIENT_BALANCE'
  | 'ERR_MARKET_INVALID_REQUEST'
  | 'ERR_MARKET_ID_COLLISION'
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
 * - `ERR_INVALID_ARGUMENT`: a method parameter breaks the documented rules.
 * - `ERR_INVALID_OPTION`: a client option is invalid.
 */
export type MarketInputErrorCode =
  | 'ERR_MARKET_INVALID_ID'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_OPTION';

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
  ['invalid signature', 'ERR_MARKET_INVALID_SIGNATURE'],
  ['invalid user_id', 'ERR_MARKET_INVALID_USER_ID'],
  ['this method is available for official resellers only', 'ERR_MARKET_RESELLER_ONLY'],
  ['reseller integration is not enabled for this account', 'ERR_MARKET_INTEGRATION_REQUIRED'],
  ['invalid integration_id', 'ERR_MARKET_INVALID_INTEGRATION_ID'],
  ['invalid content type(not application/json)', 'ERR_MARKET_INVALID_CONTENT_TYPE'],
  ["user doesn't exist", 'ERR_MARKET_USER_NOT_FOUND'],
  ['user does not exist', 'ERR_MARKET_USER_NOT_FOUND'],
  ['user is not invited to this product', 'ERR_MARKET_USER_NOT_INVITED'],
  ['this user already has this item', 'ERR_MARKET_ALREADY_OWNED'],
  ['invalid item', 'ERR_MARKET_INVALID_ITEM'],
  ['invalid product', 'ERR_MARKET_INVALID_PRODUCT'],
  ["you can't transfer to yourself", 'ERR_MARKET_SELF_TRANSFER'],
  ['not enough balance', 'ERR_MARKET_INSUFFICIENT_BALANCE'],
  ['invalid id', 'ERR_MARKET_ID_COLLISION'],
  ['invalid id format', 'ERR_MARKET_INVALID_REQUEST'],
  ['invalid username', 'ERR_MARKET_INVALID_REQUEST'],
  ['invalid amount', 'ERR_MARKET_INVALID_REQUEST'],
  ['invalid cnt', 'ERR_MARKET_INVALID_REQUEST'],
  ['invalid is_public', 'ERR_MARKET_INVALID_REQUEST'],
  ['invalid json', 'ERR_MARKET_INVALID_REQUEST'],
]);

/** Messages the provider extends with a detail (`Invalid prices format: ...`). */
const KNOWN_PREFIXES: readonly (readonly [string, MarketApiErrorCode])[] = [
  ['invalid prices format', 'ERR_MARKET_INVALID_REQUEST'],
];

/** What to do about the codes that mean a wrong configuration, appended to their message. */
const HINTS: Partial<Record<MarketApiErrorCode, string>> = {
  ERR_MARKET_INVALID_SIGNATURE:
    'check your API key (secret) and user id: the key must be the one of this user id',
  ERR_MARKET_INVALID_USER_ID: 'check your user id (market API settings page)',
  ERR_MARKET_RESELLER_ONLY: 'this method needs an official reseller account',
  ERR_MARKET_INTEGRATION_REQUIRED: 'enable the reseller integration of this account',
  ERR_MARKET_INVALID_INTEGRATION_ID: 'check your reseller integration id (API settings page)',
};

const API_CODES: ReadonlySet<string> = new Set<MarketApiErrorCode>([
  ...KNOWN_MESSAGES.values(),
  ...KNOWN_PREFIXES.map(([, code]) => code),
  'ERR_MARKET_API',
]);

/** @internal Whether `code` is a {@link MarketApiErrorCode} (a journal stores codes as text). */
export function isMarketApiErrorCode(code: string): code is MarketApiErrorCode {
  return API_CODES.has(code);
}

/** Maps a provider error message to its stable code (`ERR_MARKET_API` when unknown). */
export function apiErrorCode(providerMessage: string): MarketApiErrorCode {
  const normalised = providerMessage.trim().replace(/\.+$/, '').toLowerCase();
  const known = KNOWN_MESSAGES.get(normalised);
  if (known !== undefined) return known;
  for (const [prefix, code] of KNOWN_PREFIXES) if (normalised.startsWith(prefix)) return code;
  return 'ERR_MARKET_API';
}

/** True when the provider's message is `Invalid id.` (the id was used by a completed action). */
export function isInvalidIdMessage(providerMessage: string): boolean {
  return apiErrorCode(providerMessage) === 'ERR_MARKET_ID_COLLISION';
}

/**
 * The API refused the request (`success: false`). Final: retrying the same request gives the same
 * answer. `code` says what it means ({@link MarketApiErrorCode}: a configuration to fix, or a
 * request that cannot be done); `providerMessage` is the provider's text, unchanged.
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
    const hint = HINTS[code];
    super(
      code,
      `${context.method}: the API answered ${JSON.stringify(providerMessage)} (${code})${hint ? `: ${hint}` : ''}`,
    );
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
