/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-market.error');

/**
 * Every error this package throws is a {@link NeverloseMarketError} with a stable `code`.
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

/** True for any error thrown by this package, whichever loaded copy of it threw. */
export function isNeverloseMarketError(error: unknown): error is NeverloseMarketError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}
