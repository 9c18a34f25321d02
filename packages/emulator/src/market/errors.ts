import { OPERATION_ERRORS } from '../world/errors.js';

/**
 * Error strings of the market API: those of the world's operations, and those of the request.
 * Those marked "provider" are the provider's own, as observed
 * (docs/provider-facts.md#error-strings); the others are the emulator's choice where the
 * provider's text is unknown.
 */
export const MARKET_ERRORS = {
  ...OPERATION_ERRORS,
  /** provider */
  contentType: 'invalid content type(not application/json)',
  /** provider: the id was used by an action that already completed. */
  idUsed: 'Invalid id.',
  invalidJson: 'Invalid JSON',
  invalidUserId: 'Invalid user_id',
  invalidSignature: 'Invalid signature',
  unknownMethod: 'Unknown method',
  methodNotAllowed: 'Method not allowed (use POST)',
  bodyTooLarge: 'Request body too large',
  resellerOnly: 'This method is available for official resellers only',
  integrationRequired: 'Reseller integration is not enabled for this account',
  /** A missing or malformed `id`; distinct from `Invalid id.`, which means "done before". */
  idFormat: 'Invalid id format',
  invalidUsername: 'Invalid username',
  invalidIntegrationId: 'Invalid integration_id',
  invalidIsPublic: 'Invalid is_public',
  invalidPrices: 'Invalid prices format',
  injected: 'Service temporarily unavailable',
  internal: 'Internal server error',
} as const;

/** The docs' failure reply. */
export function failure(error: string): { succ: false; success: false; error: string } {
  return { succ: false, success: false, error };
}

/** The docs' success reply, with the method's extra fields. */
export function success(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { succ: true, success: true, ...extra };
}
