export type {
  MarketClientDiagnostic,
  MarketJournalDiagnostic,
  MarketOutcome,
  MarketRequestDiagnostic,
  MarketResponseDiagnostic,
  MarketRetryDiagnostic,
} from '../diagnostics/records.js';
export type { MarketMethodParams, MarketMethodResults } from './dispatch.js';
export {
  MarketApiError,
  type MarketApiErrorCode,
  type MarketClientErrorCode,
  type MarketErrorContext,
  MarketInputError,
  type MarketInputErrorCode,
  MarketTransportError,
  type MarketTransportErrorCode,
} from './errors.js';
export { MarketClient } from './market-client.js';
export {
  type ActionOptions,
  type CallOptions,
  type GetBalanceResult,
  type GetPricesParams,
  type GetPricesResult,
  type GiftProductParams,
  type GiveForFreeParams,
  type IntegrationVisibilityParams,
  type IsUserExistsParams,
  type IsUserExistsResult,
  type IsUserInvitedParams,
  type IsUserInvitedResult,
  MARKET_METHODS,
  type MarketActionName,
  type MarketMethodName,
  type PlanPrice,
  type SetResellerPricesParams,
  type SettingResult,
  type TransferMoneyParams,
} from './methods.js';
export {
  LEGACY_MARKET_API_BASE_URL,
  MARKET_API_BASE_URL,
  type MarketClientOptions,
} from './options.js';
export {
  cntOfDays,
  daysOfCnt,
  KNOWN_PRODUCTS,
  PLANS,
  type PlanCnt,
  type PlanDays,
} from './plans.js';
export {
  generateRequestId,
  keyRequestId,
  MAX_REQUEST_ID_LENGTH,
  type RequestId,
  validateRequestId,
} from './request-id.js';
export type {
  ActionAlreadyCompleted,
  ActionCompleted,
  ActionResult,
  ResumeReport,
} from './results.js';
export type { FetchLike } from './transport.js';
