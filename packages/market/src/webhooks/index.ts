export type {
  WebhookHandledDiagnostic,
  WebhookHandlerDiagnostic,
  WebhookReceivedDiagnostic,
  WebhookRefusedDiagnostic,
} from '../diagnostics/records.js';
export { WebhookError, type WebhookErrorCode } from './errors.js';
export {
  type PurchaseEvent,
  type TransferEvent,
  WEBHOOK_KINDS,
  type WebhookEvent,
} from './events.js';
export { createExpressWebhookRouter } from './handler-express.js';
export { createNodeWebhookHandler } from './handler-node.js';
export type { WebhookHandlerOptions } from './handler-options.js';
export { createWebhookHandler } from './handler-web.js';
export {
  createTestWebhook,
  type TestWebhook,
  type TestWebhookEvent,
  type TestWebhookOptions,
} from './test-webhook.js';
export { verifyWebhook } from './verify.js';
export {
  type DedupClaim,
  MemoryWebhookDedupStore,
  type WebhookDedupStore,
} from './webhook-dedup-store.js';
