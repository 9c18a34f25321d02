export {
  type CheckoutOrder,
  type CheckoutRedirect,
  createCheckoutRedirect,
} from './checkout/token.js';
export {
  DEMO_REDIRECT_URIS,
  type DefaultConfigOptions,
  DOCS_PLANS,
  defaultConfig,
} from './config/demo-seed.js';
export { resolveConfig } from './config/resolve.js';
export type {
  EmulatorConfig,
  IntegrationSeed,
  ItemSeed,
  MarketAccountSeed,
  OAuthClientPermission,
  OAuthClientSeed,
  PlanSeed,
  ProductSeed,
  ResolvedConfig,
  ResolvedMarketAccount,
  UserSeed,
  WebhookUrls,
} from './config/seed.js';
export {
  DEFAULT_SETTINGS,
  type EmulatorSettings,
  type WebhookRetrySettings,
} from './config/settings.js';
export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from './emulator.js';
export { EmulatorError, type EmulatorErrorCode, isEmulatorError } from './errors.js';
export type { FaultKind, FaultRule, FaultSpec } from './faults/faults.js';
export { FaultInjector } from './faults/faults.js';
export type { CallLogEntry } from './http/context.js';
export { IDP_PATHS, LEGACY_IDP_PATHS } from './idp/discovery.js';
export { atHash } from './idp/id-token.js';
export { generateSigningKey, type SigningKey } from './idp/keys.js';
export { IdpSessions } from './idp/sessions.js';
export { MARKET_ERRORS } from './market/errors.js';
export type { DeliveryAttempt, WebhookDelivery, WebhookQueueEvent } from './webhooks/queue.js';
export { WebhookQueue } from './webhooks/queue.js';
export type { WebhookReport } from './webhooks/report.js';
export type { LedgerEntry, UserRecord, WorldSnapshot } from './world/records.js';
export { World } from './world/world.js';
