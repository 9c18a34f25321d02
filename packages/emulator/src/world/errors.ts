import { EmulatorError } from '../errors.js';

/** The provider's refusal of an operation; `message` is the provider's error string. */
export class OperationRefused extends EmulatorError {
  constructor(message: string) {
    super('ERR_OPERATION_REFUSED', message);
  }
}

/**
 * The error strings of the world's operations. Those marked "provider" are the provider's own, as
 * observed (docs/provider-facts.md#error-strings); the others are the emulator's choice where the
 * provider's text is unknown.
 */
export const OPERATION_ERRORS = {
  /** provider */
  userNotFound: "User doesn't exist",
  /** provider */
  alreadyHasItem: 'This user already has this item',
  /** provider */
  invalidItem: 'invalid item',
  notEnoughBalance: 'Not enough balance',
  invalidAmount: 'Invalid amount',
  invalidProduct: 'Invalid product',
  invalidCnt: 'Invalid cnt',
  notInvited: 'User is not invited to this product',
  selfTransfer: "You can't transfer to yourself",
} as const;
