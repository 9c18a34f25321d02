import { brandErrors, CodedError } from '@neverlose-toolkit/internal/errors';

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
export class NeverloseMarketError<Code extends string = string> extends CodedError<Code> {}

/** @internal True for an error of any loaded copy of this package (see `isNeverloseMarketError`). */
export const hasMarketErrorBrand = brandErrors(NeverloseMarketError, 'neverlose-market.error');
