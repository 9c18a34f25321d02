import type { MarketClientDiagnostic } from 'neverlose-market/client';
import type { WebhookHandlerDiagnostic } from 'neverlose-market/webhooks';
import { pino } from 'pino';

/**
 * The shop's log: JSON lines on stderr. `LOG_LEVEL=debug` shows every market API attempt
 * (method, request id, attempt, status, duration, outcome) and every webhook delivery; retries
 * and refused webhooks are warnings. neverlose-market's diagnostics hold no API key and no signature.
 */
export const logger = pino(
  { name: 'reseller-shop', level: process.env['LOG_LEVEL'] ?? 'info' },
  pino.destination(2),
);

/** `onDiagnostic` of the MarketClient. */
export function logMarketDiagnostic(diagnostic: MarketClientDiagnostic): void {
  if (diagnostic.type === 'market:retry')
    logger.warn(diagnostic, `market ${diagnostic.method} retried`);
  else logger.debug(diagnostic, diagnostic.type);
}

/** `onDiagnostic` of the webhook handler. */
export function logWebhookDiagnostic(diagnostic: WebhookHandlerDiagnostic): void {
  if (diagnostic.type === 'webhook:refused')
    logger.warn(diagnostic, `webhook refused: ${diagnostic.code}`);
  else logger.debug(diagnostic, diagnostic.type);
}
