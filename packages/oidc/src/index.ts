export {
  MemorySessionRevocationStore,
  type MemorySessionRevocationStoreOptions,
  type SessionRevocationStore,
} from './adapters/shared/session-revocation-store.js';
export type { CallbackInput } from './authorization/callback.js';
export { callbackState } from './authorization/callback.js';
export type { AuthorizationResult, NeverloseTokens } from './authorization/complete.js';
export type { StartAuthorizationOptions, StartedAuthorization } from './authorization/start.js';
export type { NeverloseClient } from './client.js';
export { createNeverloseClient } from './client.js';
export {
  DEFAULT_SCOPES,
  DEFAULT_TIMEOUT,
  DEFAULT_TRANSACTION_TTL,
  LEGACY_ENDPOINTS,
  NEVERLOSE_ISSUER,
} from './constants.js';
export { DIAGNOSTICS_CHANNEL } from './diagnostics/channel.js';
export type {
  NeverloseOidcDiagnostic,
  NeverloseOidcDiagnosticBase,
  NeverloseOidcDiagnosticType,
  OidcAuthorizationStartedDiagnostic,
  OidcCallbackDiagnostic,
  OidcDiscoveryDiagnostic,
  OidcFailedDiagnostic,
  OidcJwksDiagnostic,
  OidcTokenDiagnostic,
  OidcUserinfoDiagnostic,
  StateHash,
} from './diagnostics/records.js';
export type {
  NeverloseOidcErrorCode,
  NeverloseOidcServiceErrorCode,
  NeverloseOidcSetupErrorCode,
  NeverloseOidcUserErrorCode,
  OAuthErrorResponse,
} from './errors.js';
export { isNeverloseOidcError, isUserError, NeverloseOidcError } from './errors.js';
export type { LoginFailureStatus } from './http-status.js';
export { httpStatusOf } from './http-status.js';
export type {
  ClientAuthenticationMethod,
  FetchImplementation,
  NeverloseClientOptions,
  StaticEndpoints,
} from './options.js';
export type { IdTokenClaims, NeverloseClaims, NeverloseProfile } from './profile.js';
export { toProfile } from './profile.js';
export type { CachedJwks, ProviderCache } from './provider-cache.js';
export { isSafeReturnTo, validateReturnTo } from './return-to.js';
export type { BoundTransaction } from './transaction/binding.js';
export { transactionKey } from './transaction/binding.js';
export type { LoginCookie } from './transaction/login-cookie.js';
export { loginCookie } from './transaction/login-cookie.js';
export type { MemoryTransactionStoreOptions } from './transaction/memory-store.js';
export { MemoryTransactionStore } from './transaction/memory-store.js';
export type {
  SealedCookieCodec,
  SealedCookieCodecOptions,
  SealingSecret,
} from './transaction/sealed-cookie.js';
export { createSealedCookieCodec, MAX_SEALED_COOKIE_LENGTH } from './transaction/sealed-cookie.js';
export type { TransactionStore } from './transaction/store.js';
export type { AuthorizationTransaction } from './transaction/transaction.js';
export { assertTransaction } from './transaction/transaction.js';
export { validateClientOptions } from './validate-options.js';
