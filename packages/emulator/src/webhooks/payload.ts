import { pythonFloatRepr, signPayload } from 'neverlose-market';
import type { EmulatorSettings } from '../config/settings.js';
import type { MarketEvent, Store } from '../state/store.js';

/** A webhook body ready to send. */
export interface WebhookPayload {
  readonly kind: 'purchase' | 'transfer';
  /** The JSON text sent. */
  readonly body: string;
  readonly signature: string;
}

/**
 * Builds a webhook body signed as the provider signs it: the provider computes amounts as Python
 * floats, so the signed text holds `amount` as a float (`1.0`, `0.9`) even when the JSON sent
 * prints an integral amount as `1` (as the docs' transfer example does). The signature covers
 * `kind` only when `webhookSignatureCoversKind` is set: the docs' examples verify without it.
 *
 * Field order follows the docs: `kind, amount, username, unique_id[, item_id], signature`.
 */
export function buildWebhook(
  event: MarketEvent,
  store: Store,
  apiKey: string,
  settings: EmulatorSettings,
): WebhookPayload {
  const amount = event.amountCents / 100;
  const floatText = pythonFloatRepr(amount);
  const sentText =
    Number.isInteger(amount) && settings.webhookIntegralAmountAsInteger
      ? String(amount)
      : floatText;
  const fields: [string, string][] = [
    ['kind', JSON.stringify(event.kind)],
    ['amount', sentText],
    [
      'username',
      JSON.stringify(event.kind === 'purchase' ? loginOf(store, event.buyer) : event.sender),
    ],
    ['unique_id', String(event.uniqueId)],
  ];
  if (event.kind === 'purchase') fields.push(['item_id', JSON.stringify(event.itemCode)]);

  const signed = fields
    .filter(([key]) => key !== 'kind' || settings.webhookSignatureCoversKind)
    .map(([key, value]) => `${JSON.stringify(key)}:${key === 'amount' ? floatText : value}`);
  const signature = signPayload(`{${signed.join(',')}}`, apiKey);
  const body = `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')},"signature":"${signature}"}`;
  return { kind: event.kind, body, signature };
}

function loginOf(store: Store, login: string): string {
  return store.userByLogin(login)?.login ?? login;
}
