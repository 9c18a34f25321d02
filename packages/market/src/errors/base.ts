/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-market.error');

// shared: the same address in every package's errors.
const ERRORS_DOC =
  'https://github.com/neverlose-toolkit/neverlose-toolkit/blob/main/docs/errors.md';

/** @internal The address of a code's entry in `docs/errors.md`. */
export function errorDocUrl(code: string): string {
  return `${ERRORS_DOC}#${code.toLowerCase()}`;
}

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

  /** The entry of `code` in the error reference: what it means and what to do. */
  get docUrl(): string {
    return errorDocUrl(this.code);
  }
}
Object.defineProperty(NeverloseMarketError.prototype, brand, { value: true });

/** @internal True for an error of any loaded copy of this package (see `isNeverloseMarketError`). */
export function hasMarketErrorBrand(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}
