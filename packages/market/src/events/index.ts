export { DIAGNOSTICS_CHANNEL } from './channel.js';
export type {
  MarketClientEvent,
  MarketJournalEvent,
  MarketOutcome,
  MarketRequestEvent,
  MarketResponseEvent,
  MarketRetryEvent,
  NeverloseMarketEvent,
  NeverloseMarketEventBase,
  NeverloseMarketEventType,
  WebhookHandledEvent,
  WebhookHandlerEvent,
  WebhookReceivedEvent,
  WebhookRefusedEvent,
} from './events.js';
