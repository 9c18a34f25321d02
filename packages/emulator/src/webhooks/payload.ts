import { createTestWebhook } from 'neverlose-market/webhooks';
import type { EmulatorSettings } from '../config/settings.js';
import { centsToDecimalString } from '../world/money.js';
import type { MarketEvent } from '../world/records.js';
import type { World } from '../world/world.js';

/** A webhook body ready to send. */
export interface WebhookPayload {
  readonly kind: 'purchase' | 'transfer';
  /** The JSON text sent. */
  readonly body: string;
  readonly signature: string;
}

/**
 * Builds a webhook body signed as the provider signs it, with `neverlose-market`'s
 * `createTestWebhook` (the one builder of provider webhooks: what the emulator sends is what a
 * user's tests send). The signed text holds `amount` as a Python float (`1.0`, `0.9`) even when
 * the JSON sent prints an integral amount as `1` (`webhookIntegralAmountAsInteger`, as the docs'
 * transfer example does). The signature covers `kind` only when `webhookSignatureCoversKind` is
 * set: the docs' examples verify without it.
 *
 * Field order follows the docs: `kind, amount, username, unique_id[, item_id], signature`.
 */
export function buildWebhook(
  event: MarketEvent,
  world: World,
  apiKey: string,
  settings: EmulatorSettings,
): WebhookPayload {
  const amount = centsToDecimalString(event.amountCents);
  const options = {
    secret: apiKey,
    signKind: settings.webhookSignatureCoversKind,
    integralAmount: settings.webhookIntegralAmountAsInteger ? 'integer' : 'float',
  } as const;
  const { body, event: sent } =
    event.kind === 'purchase'
      ? createTestWebhook(
          {
            kind: 'purchase',
            username: world.userByLogin(event.buyer)?.login ?? event.buyer,
            itemId: event.itemCode,
            amount,
            uniqueId: event.uniqueId,
          },
          options,
        )
      : createTestWebhook(
          { kind: 'transfer', username: event.sender, amount, uniqueId: event.uniqueId },
          options,
        );
  return { kind: event.kind, body, signature: sent.signature };
}
