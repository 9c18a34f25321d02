import type { MarketClientEvent } from 'neverlose-market/client';
import type { WebhookHandlerEvent } from 'neverlose-market/webhooks';
import { pino } from 'pino';

/**
 * The shop's log: JSON lines on stderr. `LOG_LEVEL=debug` shows every market API attempt
 * (method, request id, attempt, status, duration, outcome) and every webhook delivery; retries
 * and refused webhooks are warnings. neverlose-market's events hold no API key and no signature.
 */
export const logger = pino(
  { name: 'reseller-shop', level: process.env['LOG_LEVEL'] ?? 'info' },
  pino.destination(2),
);

/** `onEvent` of the MarketClient. */
export function logMarketEvent(event: MarketClientEvent): void {
  if (event.type === 'market:retry') logger.warn(event, `market ${event.method} retried`);
  else logger.debug(event, event.type);
}

/** `onDiagnostic` of the webhook handler. */
export function logWebhookEvent(event: WebhookHandlerEvent): void {
  if (event.type === 'webhook:refused') logger.warn(event, `webhook refused: ${event.code}`);
  else logger.debug(event, event.type);
}
