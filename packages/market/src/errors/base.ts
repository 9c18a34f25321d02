import type { MarketApiError, MarketInputError, MarketTransportError } from '../client/errors.js';
import type { JournalError } from '../journal/errors.js';
import type { PricesError } from '../prices/errors.js';
import type { ResellerTokenError } from '../reseller/errors.js';
import type { SigningError } from '../signing/errors.js';
import type { SqliteStoreError } from '../sqlite/errors.js';
import type { WebhookError } from '../webhooks/errors.js';

/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-market.error');

/**
 * The base of every error this package throws: each has a stable `code`.
 *
 * Switch on `error.code` rather than relying on `instanceof`: a dual ESM/CommonJS package can be
 * loaded twice in one process, and then the classes of the two copies are different objects.
 *
 * @example
 * ```ts
 * try {
 *   signPayload(body, secret);
 * } catch (error) {
 *   if (isNeverloseMarketError(error) && error.code === 'ERR_SIGNING_NESTED_VALUE') {
 *     // send the field as a JSON string instead
 *   }
 * }
 * ```
 */
export class NeverloseMarketError<Code extends string = string> extends Error {
  /** A stable, machine-readable code, such as `ERR_SIGNING_INVALID_JSON`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
Object.defineProperty(NeverloseMarketError.prototype, brand, { value: true });

/**
 * Any error this package throws, as a union discriminated by `code`: comparing `error.code` with
 * a code narrows to its class (`ERR_MARKET_USER_NOT_FOUND` gives a {@link MarketApiError} with its
 * `providerMessage`), and a misspelt code does not compile.
 */
export type AnyNeverloseMarketError =
  | SigningError
  | MarketApiError
  | MarketTransportError
  | MarketInputError
  | WebhookError
  | ResellerTokenError
  | JournalError
  | PricesError
  | SqliteStoreError;

/** Every code this package throws: the union of each error class's codes. */
export type NeverloseMarketErrorCode = AnyNeverloseMarketError['code'];

/**
 * True for any error thrown by this package, whichever loaded copy of it threw. Narrows to
 * {@link AnyNeverloseMarketError}, so `error.code` is the union of every code, not `string`.
 *
 * @example
 * ```ts
 * if (isNeverloseMarketError(error) && error.code === 'ERR_MARKET_INSUFFICIENT_BALANCE') {
 *   alertOps(error.providerMessage);
 * }
 * ```
 */
export function isNeverloseMarketError(error: unknown): error is AnyNeverloseMarketError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}
