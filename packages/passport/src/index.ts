import { NeverloseStrategy } from './strategy.js';

export type { NeverloseOidcErrorCode } from 'neverlose-oidc';
export { isNeverloseOidcError, LEGACY_ENDPOINTS, MemoryTransactionStore } from 'neverlose-oidc';
export type {
  NeverloseAuthenticateOptions,
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
