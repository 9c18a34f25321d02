export {
  MarketApiError,
  type MarketApiErrorCode,
  type MarketClientErrorCode,
  type MarketErrorContext,
  MarketInputError,
  type MarketInputErrorCode,
  MarketTransportError,
  type MarketTransportErrorCode,
} from './client/errors.js';
export {
  type ActionAlreadyCompleted,
  type ActionCompleted,
  type ActionResult,
  LEGACY_MARKET_API_BASE_URL,
  MARKET_API_BASE_URL,
  MarketClient,
  type MarketClientOptions,
  type ResumeReport,
} from './client/market-client.js';
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
} from './client/methods.js';
export {
  cntOfDays,
  daysOfCnt,
  KNOWN_PRODUCTS,
  PLANS,
  type PlanCnt,
  type PlanDays,
} from './client/plans.js';
export type { ReplyFields } from './client/replies.js';
export {
  generateRequestId,
  keyRequestId,
  MAX_REQUEST_ID_LENGTH,
  type RequestId,
  validateRequestId,
} from './client/request-id.js';
export { backoffDelay, type FetchLike } from './client/transport.js';
export { isNeverloseMarketError, NeverloseMarketError } from './errors.js';
export { JournalError, type JournalErrorCode } from './journal/errors.js';
export type {
  Awaitable,
  IdJournal,
  JournalCompletion,
  JournalEntry,
  JournalFailure,
  JournalState,
  NewJournalEntry,
} from './journal/journal.js';
export { MemoryJournal } from './journal/memory.js';
export { ResellerPricesBuilder } from './prices/builder.js';
export {
  type PriceIssue,
  type PriceRule,
  PricesError,
  type PricesErrorCode,
} from './prices/errors.js';
export {
  type PriceSync,
  type PriceSyncOptions,
  type PriceSyncStatus,
  RESELLER_PRICES_TTL_MS,
  startPriceSync,
} from './prices/sync.js';
export {
  assertResellerPrices,
  type CurrencyPrices,
  checkResellerPrices,
  MARKETPLACE_KEY,
  MAX_CURRENCIES,
  type PriceRulesOptions,
  type PriceValue,
  type ResellerPrices,
} from './prices/validate.js';
export { ResellerTokenError, type ResellerTokenErrorCode } from './reseller/errors.js';
export { MemorySingleUseStore, type SingleUseTokenStore } from './reseller/single-use-store.js';
export {
  type MarketTopUpOrder,
  type ProductOrder,
  RESELLER_TOKEN_ISSUER,
  type ResellerOrder,
  type VerifyResellerTokenOptions,
  verifyResellerToken,
} from './reseller/verify-token.js';
export * from './signing/index.js';
export type { SqliteExpiringStoreOptions, SqliteStoreOptions } from './sqlite/database.js';
export {
  openSqliteDedupStore,
  SqliteDedupStore,
  type SqliteDedupStoreOptions,
} from './sqlite/dedup-store.js';
export { SqliteStoreError, type SqliteStoreErrorCode } from './sqlite/errors.js';
export { openSqliteJournal, SqliteJournal, type SqliteJournalOptions } from './sqlite/journal.js';
export {
  openSqliteSingleUseStore,
  SqliteSingleUseStore,
  type SqliteSingleUseStoreOptions,
} from './sqlite/single-use-store.js';
export {
  type DedupClaim,
  MemoryDedupStore,
  type WebhookDedupStore,
} from './webhooks/dedup-store.js';
export { WebhookError, type WebhookErrorCode } from './webhooks/errors.js';
export {
  type PurchaseEvent,
  type TransferEvent,
  WEBHOOK_KINDS,
  type WebhookEvent,
} from './webhooks/events.js';
export { createExpressWebhookRouter } from './webhooks/handler-express.js';
export { createNodeWebhookHandler } from './webhooks/handler-node.js';
export { createWebhookHandler } from './webhooks/handler-web.js';
export {
  isJsonContentType,
  type WebhookAnswer,
  type WebhookHandlerOptions,
} from './webhooks/pipeline.js';
export { verifyWebhook } from './webhooks/verify.js';
