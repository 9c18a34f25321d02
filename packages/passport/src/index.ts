import { NeverloseStrategy } from './strategy.js';

export type {
  NeverloseOidcDiagnostic,
  NeverloseOidcErrorCode,
  NeverloseOidcUserErrorCode,
} from 'neverlose-oidc';
export {
  createNeverloseClient,
  httpStatusOf,
  isNeverloseOidcError,
  LEGACY_ENDPOINTS,
  MemoryTransactionStore,
} from 'neverlose-oidc';
export type { NeverloseFailure, NeverloseFailureCode } from './failure.js';
export { isNeverloseFailure } from './failure.js';
export type {
  NeverloseAuthenticateOptions,
  NeverloseStrategyBehaviour,
  NeverloseStrategyOptions,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './options.js';
export type { PassportNeverloseProfile } from './profile.js';
export { toPassportProfile } from './profile.js';
export { redirectToReturnTo } from './return-to.js';
export { NeverloseStrategy, NeverloseStrategy as Strategy } from './strategy.js';
export default NeverloseStrategy;
