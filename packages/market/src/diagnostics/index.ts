export { DIAGNOSTICS_CHANNEL } from './channel.js';
export type {
  MarketClientDiagnostic,
  MarketDiagnostic,
  MarketDiagnosticBase,
  MarketDiagnosticType,
  MarketJournalDiagnostic,
  MarketOutcome,
  MarketRequestDiagnostic,
  MarketResponseDiagnostic,
  MarketRetryDiagnostic,
  WebhookHandledDiagnostic,
  WebhookHandlerDiagnostic,
  WebhookReceivedDiagnostic,
  WebhookRefusedDiagnostic,
} from './records.js';
