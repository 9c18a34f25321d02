export {
  type CheckoutOrder,
  type CheckoutRedirect,
  createCheckoutRedirect,
} from './checkout/token.js';
export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from './emulator.js';
export { EmulatorError, type EmulatorErrorCode, isEmulatorError } from './errors.js';
export type { FaultKind, FaultRule, FaultSpec } from './faults/faults.js';
export { FaultInjector } from './faults/faults.js';
export type { CallLogEntry } from './http/context.js';
export { IDP_PATHS, LEGACY_IDP_PATHS } from './idp/discovery.js';
export { atHash } from './idp/id-token.js';
export { IdpSessions } from './idp/sessions.js';
export { MARKET_ERRORS } from './market/errors.js';
export {
  DEFAULT_SETTINGS,
  type DefaultConfigOptions,
  DOCS_PLANS,
  defaultConfig,
  type EmulatorConfig,
  type EmulatorSettings,
  type IntegrationSeed,
  type ItemSeed,
  type MarketAccountSeed,
  type OAuthClientPermission,
  type OAuthClientSeed,
  type PlanSeed,
  type ProductSeed,
  type ResolvedConfig,
  resolveConfig,
  type UserSeed,
  type WebhookRetrySettings,
} from './state/config.js';
export type { LedgerEntry, UserRecord, WorldSnapshot } from './state/store.js';
export { Store } from './state/store.js';
export type { DeliveryAttempt, WebhookDelivery } from './webhooks/queue.js';
export { WebhookQueue } from './webhooks/queue.js';
