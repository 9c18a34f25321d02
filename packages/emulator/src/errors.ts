import { brandErrors, CodedError } from '@neverlose-toolkit/internal/errors';

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
export class EmulatorError extends CodedError<EmulatorErrorCode> {}

/** True for any error thrown by this package, whichever loaded copy of it threw. */
export const isEmulatorError = brandErrors(EmulatorError, 'neverlose-emulator.error');
