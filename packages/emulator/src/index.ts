// What a user of the emulator needs: start it (`startEmulator`), configure and seed it
// (`defaultConfig`, the config types), and drive it from tests (`RunningEmulator` and the records
// it hands back). The classes behind a running emulator are reached through it, never constructed.
export type { CheckoutOrder, CheckoutRedirect } from './checkout/token.js';
export {
  DEMO_REDIRECT_URIS,
  type DefaultConfigOptions,
  defaultConfig,
} from './config/demo-seed.js';
export type {
  EmulatorConfig,
  IntegrationSeed,
  ItemSeed,
  MarketAccountSeed,
  OAuthClientPermission,
  OAuthClientSeed,
  PlanSeed,
  ProductSeed,
  UserSeed,
  WebhookUrls,
} from './config/seed.js';
export type { EmulatorSettings, WebhookRetrySettings } from './config/settings.js';
export { type RunningEmulator, type StartEmulatorOptions, startEmulator } from './emulator.js';
export { EmulatorError, type EmulatorErrorCode, isEmulatorError } from './errors.js';
export type { FaultKind, FaultRule, FaultSpec } from './faults/faults.js';
export type { CallLogEntry } from './http/request-context.js';
export { generateSigningKey, type SigningKey } from './idp/keys.js';
export type {
  DeliveryAttempt,
  WebhookDelivery,
  WebhookLog,
  WebhookQueueEvent,
} from './webhooks/queue.js';
export type { WebhookReport } from './webhooks/report.js';
export type { LedgerEntry, UserRecord, WorldSnapshot } from './world/records.js';
export type { World } from './world/world.js';
