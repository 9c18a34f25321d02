import { signPayload } from 'neverlose-market/signing';
import type { EmulatorSettings } from '../config/settings.js';
import { centsToDecimalString } from '../state/money.js';
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
  const floatText = pythonFloatOfCents(event.amountCents);
  const sentText =
    event.amountCents % 100 === 0 && settings.webhookIntegralAmountAsInteger
      ? centsToDecimalString(event.amountCents)
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

/**
 * Python's `repr()` of the float `cents / 100`, as the provider prints a webhook amount: the
 * two-decimal text without trailing zeros, and `.0` when integral (`90` -> `0.9`, `100` -> `1.0`).
 * Exact for every amount of at most 15 significant digits (a double keeps them, and no shorter
 * decimal reads back as the same double) below 1e16, where Python would switch to an exponent.
 */
export function pythonFloatOfCents(cents: number): string {
  const text = centsToDecimalString(cents);
  return text.includes('.') ? text : `${text}.0`;
}

function loginOf(store: Store, login: string): string {
  return store.userByLogin(login)?.login ?? login;
}
