import { pythonFloatRepr } from '../signing/python-float.js';
import { signPayload } from '../signing/sign.js';
import { WebhookError } from './errors.js';
import type { PurchaseEvent, TransferEvent, WebhookEvent } from './events.js';

/** The event a test webhook carries, as {@link createTestWebhook} takes it. */
export type TestWebhookEvent =
  | {
      readonly kind: 'transfer';
      /** The sender. */
      readonly username: string;
      /** NLE, as a number or a decimal string (`'2.5'`); sent as a Python float. */
      readonly amount: number | string;
      /** @defaultValue a new id for each webhook of this process */
      readonly uniqueId?: number;
    }
  | {
      readonly kind: 'purchase';
      /** The buyer. */
      readonly username: string;
      /** The item's market code. @example `'E3yugw'` */
      readonly itemId: string;
      /** The price, as a number or a decimal string (`'0.9'`); sent as a Python float. */
      readonly amount: number | string;
      /** @defaultValue a new id for each webhook of this process */
      readonly uniqueId?: number;
    };

/** Options of {@link createTestWebhook}. */
export interface TestWebhookOptions {
  /** The market API key that signs it: the one your handler verifies with. */
  readonly secret: string;
  /**
   * Whether the signature covers `kind`. The docs' examples are signed without it (webhooks gained
   * `kind` after them) and whether live ones cover it is not documented: a handler must accept
   * both, so test both.
   *
   * @defaultValue `false`, as the docs' examples
   */
  readonly signKind?: boolean;
  /**
   * How an integral amount is written in the body. The provider computes amounts as Python floats
   * and signs `1.0`; the docs' transfer example shows `"amount": 1` all the same.
   *
   * @defaultValue `'float'`: `1.0`, as Python prints the float; `'integer'` writes `1` (signed
   *   as `1.0`, as in the docs' transfer example)
   */
  readonly integralAmount?: 'float' | 'integer';
}

/** A signed webhook, byte for byte as the provider sends it. */
export interface TestWebhook {
  /** The JSON body: `kind, amount, username, unique_id[, item_id], signature`, in the docs' order. */
  readonly body: string;
  /** The headers the provider sends with it. */
  readonly headers: { readonly 'content-type': 'application/json' };
  /** The event `verifyWebhook(body, secret)` returns for it. */
  readonly event: WebhookEvent;
  /** A `POST` of it to `url`, for `fetch(webhook.request(url))` or a Web handler. */
  request(url: string | URL): Request;
}

/** Ids of this process's test webhooks: from a random start, so runs sharing a store differ. */
let nextUniqueId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);

/**
 * Builds a market webhook signed exactly as the provider signs it (the Python reference: amounts
 * as floats, `kind` left out of the signature unless `signKind`), for testing your own receiver:
 * send `body` with its `headers` to your handler, or pass it to `verifyWebhook`. The counterpart of
 * Stripe's `generateTestHeaderString`; `neverlose-emulator trigger purchase --to URL` sends one from
 * the command line.
 *
 * @throws {WebhookError} `ERR_INVALID_OPTION` naming a field that breaks its rule (an empty
 *   secret or username, a negative or non-decimal amount, a unique id that is not a safe integer).
 *
 * @example
 * ```ts
 * const webhook = createTestWebhook(
 *   { kind: 'purchase', username: 'alice', itemId: 'E3yugw', amount: 0.9 },
 *   { secret: process.env.NEVERLOSE_API_KEY! },
 * );
 * const response = await app.request('/webhooks/neverlose', { method: 'POST', headers: webhook.headers, body: webhook.body });
 * expect(response.status).toBe(200);
 * ```
 */
export function createTestWebhook(
  event: TestWebhookEvent,
  options: TestWebhookOptions,
): TestWebhook {
  const invalid = (message: string): never => {
    throw new WebhookError('ERR_INVALID_OPTION', `createTestWebhook: ${message}.`);
  };
  const secret = (options as Partial<TestWebhookOptions> | undefined)?.secret;
  if (typeof secret !== 'string' || secret === '') invalid('"secret" must be a non-empty string');
  const kind: unknown = (event as { kind?: unknown } | undefined)?.kind;
  if (kind !== 'purchase' && kind !== 'transfer')
    invalid(`"kind" must be "purchase" or "transfer", got ${JSON.stringify(kind)}`);
  if (typeof event.username !== 'string' || event.username === '')
    invalid('"username" must be a non-empty string');
  if (event.kind === 'purchase' && (typeof event.itemId !== 'string' || event.itemId === ''))
    invalid('"itemId" must be a non-empty string');
  const amount = amountOf(event.amount, invalid);
  const uniqueId = event.uniqueId ?? nextUniqueId++;
  if (!Number.isSafeInteger(uniqueId) || uniqueId < 0)
    invalid('"uniqueId" must be a non-negative safe integer');

  // The provider's Python: the amount is a float, so it is signed as `repr(float)` (`1.0`).
  const floatText = pythonFloatRepr(amount);
  const sentAmount =
    options.integralAmount === 'integer' && Number.isInteger(amount) && floatText.endsWith('.0')
      ? floatText.slice(0, -2)
      : floatText;
  const fields: [string, string][] = [
    ['kind', JSON.stringify(event.kind)],
    ['amount', sentAmount],
    ['username', JSON.stringify(event.username)],
    ['unique_id', String(uniqueId)],
  ];
  if (event.kind === 'purchase') fields.push(['item_id', JSON.stringify(event.itemId)]);

  let signed = '';
  for (const [key, value] of fields) {
    if (key === 'kind' && options.signKind !== true) continue;
    signed += `${signed === '' ? '' : ','}"${key}":${key === 'amount' ? floatText : value}`;
  }
  const signature = signPayload(`{${signed}}`, secret as string);
  const body = `{${fields.map(([key, value]) => `"${key}":${value}`).join(',')},"signature":"${signature}"}`;

  const base = {
    amount,
    amountText: sentAmount,
    username: event.username,
    uniqueId,
    signature,
  };
  const verified: WebhookEvent =
    event.kind === 'purchase'
      ? ({ kind: 'purchase', ...base, itemId: event.itemId } satisfies PurchaseEvent)
      : ({ kind: 'transfer', ...base } satisfies TransferEvent);
  const headers = { 'content-type': 'application/json' } as const;
  return {
    body,
    headers,
    event: verified,
    request: (url) => new Request(url, { method: 'POST', headers, body }),
  };
}

const DECIMAL_RE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

function amountOf(value: unknown, invalid: (message: string) => never): number {
  const amount =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DECIMAL_RE.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(amount) || amount < 0)
    invalid('"amount" must be a non-negative number or decimal string');
  return amount;
}
