import { isNeverloseMarketError } from '../errors/index.js';
import { type PyEntries, type SigningFields, signingFields } from '../signing/fields.js';
import type { PyValue } from '../signing/python-value.js';
import { FieldList, matchesAnySecret } from '../signing/verify.js';
import { WebhookError } from './errors.js';
import {
  EVENT_FIELDS,
  type PurchaseEvent,
  type TransferEvent,
  WEBHOOK_KINDS,
  type WebhookEvent,
} from './events.js';
import { verifyCommonBody } from './verify-common-body.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const INT_RE = /^(?:0|[1-9]\d*)$/;

/**
 * Verifies a market webhook from its raw body and returns the typed event.
 *
 * The event is returned only when (1) the body is UTF-8 JSON with no repeated field, (2) its
 * signature matches one of the secrets in one of the forms {@link verifySignature} accepts for
 * webhooks (the docs' own examples verify), and (3) its fields are exactly those of its kind with
 * the right types. The third check matters: the provider's signature has no delimiters, so a
 * payload re-split into other fields can carry a valid signature.
 *
 * @param rawBody The request body exactly as received (never `JSON.stringify(req.body)`).
 * @param secret Your market API key, or several during a key rotation (any one may match).
 * @throws {WebhookError} with a code from {@link WebhookErrorCode} and its HTTP `status`.
 *
 * @example
 * ```ts
 * const event = verifyWebhook(await request.text(), process.env.NEVERLOSE_API_KEY!);
 * if (event.kind === 'purchase') grant(event.username, event.itemId);
 * ```
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  secret: string | readonly string[],
): WebhookEvent {
  // A single secret, the common case, takes no array.
  if (typeof secret === 'string' ? secret.length === 0 : !isSecretList(secret)) {
    throw new WebhookError(
      'ERR_INVALID_OPTION',
      'verifyWebhook: give at least one non-empty secret.',
    );
  }
  const text = decode(rawBody);
  // The body every webhook sends is verified in one pass; anything else by the general reader.
  const common = verifyCommonBody(text, secret);
  if (common === false) throw badSignature();
  return common ?? verifyAnyBody(text, secret);
}

/**
 * @internal {@link verifyWebhook} of a decoded body with checked secrets, through the general
 * reader: any body, every error. `verifyCommonBody` decides a common body the same way, faster.
 */
export function verifyAnyBody(text: string, secret: string | readonly string[]): WebhookEvent {
  // One parse serves the signature and the shape: the provider's Python view of the body.
  const parsed = readBody(text);
  if (parsed.duplicateKey !== undefined) {
    throw new WebhookError(
      'ERR_WEBHOOK_DUPLICATE_KEY',
      `The webhook field "${parsed.duplicateKey}" appears more than once.`,
    );
  }
  const signature = parsed.signature;
  if (typeof signature !== 'string') {
    throw new WebhookError(
      'ERR_WEBHOOK_SIGNATURE_MISSING',
      'The webhook has no string "signature" field.',
    );
  }
  if (!matchesAnySecret(new FieldList(parsed.fields), signature, secret)) throw badSignature();
  return toEvent(parsed.entries!, signature);
}

function badSignature(): WebhookError {
  return new WebhookError(
    'ERR_WEBHOOK_BAD_SIGNATURE',
    'The webhook signature matches none of the secrets.',
  );
}

// Loops, not `some()` with a closure: this runs on every webhook.
function isSecretList(secrets: readonly unknown[]): secrets is readonly string[] {
  if (secrets.length === 0) return false;
  for (const one of secrets) if (typeof one !== 'string' || one.length === 0) return false;
  return true;
}

function decode(rawBody: string | Uint8Array): string {
  if (typeof rawBody === 'string') return rawBody;
  try {
    return decoder.decode(rawBody);
  } catch {
    throw new WebhookError('ERR_WEBHOOK_INVALID_JSON', 'The webhook body is not valid UTF-8.');
  }
}

function readBody(text: string): SigningFields {
  try {
    return signingFields(text);
  } catch (error) {
    if (!isNeverloseMarketError(error)) throw error;
    if (error.code === 'ERR_SIGNING_INVALID_JSON') {
      throw new WebhookError(
        'ERR_WEBHOOK_INVALID_JSON',
        `The webhook body is not valid JSON: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    if (error.code === 'ERR_SIGNING_NOT_AN_OBJECT') {
      throw new WebhookError(
        'ERR_WEBHOOK_INVALID_SHAPE',
        'The webhook body must be a JSON object.',
        {
          cause: error,
        },
      );
    }
    // Text the provider's Python could not have signed (a lone surrogate, nested non-ASCII...).
    throw new WebhookError(
      'ERR_WEBHOOK_INVALID_SHAPE',
      `The webhook cannot be verified: ${error.message}`,
      {
        cause: error,
      },
    );
  }
}

function toEvent(entries: PyEntries, signature: string): WebhookEvent {
  const kindValue = entries.get('kind');
  if (kindValue?.t !== 'str') {
    throw new WebhookError('ERR_WEBHOOK_INVALID_SHAPE', 'The webhook has no string "kind" field.');
  }
  const kind = kindValue.v;
  if (!(WEBHOOK_KINDS as readonly string[]).includes(kind)) {
    throw new WebhookError(
      'ERR_WEBHOOK_UNKNOWN_KIND',
      `Unknown webhook kind ${JSON.stringify(kind)} (this version knows ${WEBHOOK_KINDS.join(' and ')}); update neverlose-market or answer it yourself.`,
    );
  }
  const expected = EVENT_FIELDS[kind as WebhookEvent['kind']];
  if (!hasExactly(entries, expected)) {
    const extra = [...entries.keys()].filter((name) => !expected.includes(name));
    const missing = expected.filter((name) => !entries.has(name));
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new WebhookError(
      'ERR_WEBHOOK_INVALID_SHAPE',
      `A ${kind} webhook has exactly ${expected.join(', ')}: ${parts.join('; ')}.`,
    );
  }

  const amountValue = entries.get('amount')!;
  const amount =
    amountValue.t === 'float'
      ? amountValue.v
      : amountValue.t === 'int'
        ? Number(amountValue.v)
        : Number.NaN;
  if (!Number.isFinite(amount) || amount < 0) {
    invalidShape(kind, '"amount" must be a non-negative number');
  }
  const amountText = (amountValue as { text?: string }).text ?? String(amount);

  const uniqueIdValue = entries.get('unique_id')!;
  const uniqueIdText = uniqueIdValue.t === 'int' ? (uniqueIdValue.text ?? uniqueIdValue.v) : '';
  const uniqueId = Number(uniqueIdText);
  if (!INT_RE.test(uniqueIdText) || !Number.isSafeInteger(uniqueId)) {
    invalidShape(kind, '"unique_id" must be a non-negative integer');
  }
  const username = stringValue(entries.get('username'));
  if (username === undefined || username.length === 0) {
    invalidShape(kind, '"username" must be a non-empty string');
  }
  // Literals rather than spreads of a shared base: this runs on every webhook.
  if (kind === 'transfer') {
    return {
      kind,
      amount,
      amountText,
      username: username!,
      uniqueId,
      signature,
    } satisfies TransferEvent;
  }
  const itemId = stringValue(entries.get('item_id'));
  if (itemId === undefined || itemId.length === 0) {
    invalidShape(kind, '"item_id" must be a non-empty string');
  }
  return {
    kind: 'purchase',
    amount,
    amountText,
    username: username!,
    uniqueId,
    signature,
    itemId: itemId!,
  } satisfies PurchaseEvent;
}

/** Whether the body's keys are exactly `expected` (a loop, not `every()`: this runs on every webhook). */
function hasExactly(entries: PyEntries, expected: readonly string[]): boolean {
  if (entries.size !== expected.length) return false;
  for (const name of expected) if (!entries.has(name)) return false;
  return true;
}

function invalidShape(kind: string, message: string): never {
  throw new WebhookError('ERR_WEBHOOK_INVALID_SHAPE', `A ${kind} webhook's ${message}.`);
}

function stringValue(value: PyValue | undefined): string | undefined {
  return value?.t === 'str' ? value.v : undefined;
}
