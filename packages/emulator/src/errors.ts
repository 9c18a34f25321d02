/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-emulator.error');

// shared: the address of every package's error reference.
const ERRORS_DOC =
  'https://github.com/neverlose-toolkit/neverlose-toolkit/blob/main/docs/errors.md';

/**
 * Codes of {@link EmulatorError}.
 *
 * - `ERR_INVALID_OPTION`: a config file or `startEmulator()` option breaks a rule; the message
 *   names the field and the rule.
 * - `ERR_PERSISTENCE`: the world file cannot be read, parsed or written.
 * - `ERR_NOT_FOUND`: an admin operation named a user, item, client or fault that does not exist.
 * - `ERR_INVALID_ARGUMENT`: an admin operation got a value of the wrong type or range.
 * - `ERR_OPERATION_REFUSED`: a market operation was refused by the provider's rules (the message
 *   is the provider's error string, such as `User doesn't exist`).
 */
export type EmulatorErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_PERSISTENCE'
  | 'ERR_NOT_FOUND'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_OPERATION_REFUSED';

/**
 * Every error this package throws is an {@link EmulatorError} with a stable `code`.
 * Switch on `error.code` (see {@link isEmulatorError}) rather than relying on `instanceof`.
 */
export class EmulatorError extends Error {
  /** A stable, machine-readable code, such as `ERR_INVALID_OPTION`. */
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'EmulatorError';
  }

  /** The entry of `code` in the error reference: what it means and what to do. */
  get docUrl(): string {
    return `${ERRORS_DOC}#${this.code.toLowerCase()}`;
  }
}
Object.defineProperty(EmulatorError.prototype, brand, { value: true });

/** True for any error thrown by this package, whichever loaded copy of it threw. */
export function isEmulatorError(error: unknown): error is EmulatorError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}
