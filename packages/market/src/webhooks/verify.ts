import { isNeverloseMarketError } from '../errors.js';
import { verifySignature } from '../signing/verify.js';
import { WebhookError } from './errors.js';
import {
  EVENT_FIELDS,
  type PurchaseEvent,
  type TransferEvent,
  WEBHOOK_KINDS,
  type WebhookEvent,
} from './events.js';
import { type RawMember, rawMembers } from './raw-members.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const INT_RE = /^(?:0|[1-9]\d*)$/;
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

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
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0 || secrets.some((one) => typeof one !== 'string' || one.length === 0)) {
    throw new WebhookError(
      'ERR_WEBHOOK_INVALID_OPTIONS',
      'verifyWebhook: give at least one non-empty secret.',
    );
  }
  const text = decode(rawBody);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebhookError('ERR_WEBHOOK_INVALID_JSON', 'The webhook body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WebhookError('ERR_WEBHOOK_INVALID_SHAPE', 'The webhook body must be a JSON object.');
  }
  const fields = parsed as Record<string, unknown>;
  const members = rawMembers(text);
  if (members.length !== Object.keys(fields).length) {
    const seen = new Set<string>();
    const repeated = members.find((member) => seen.size === seen.add(member.key).size)?.key;
    throw new WebhookError(
      'ERR_WEBHOOK_DUPLICATE_KEY',
      `The webhook field "${repeated}" appears more than once.`,
    );
  }
  if (typeof fields['signature'] !== 'string') {
    throw new WebhookError(
      'ERR_WEBHOOK_SIGNATURE_MISSING',
      'The webhook has no string "signature" field.',
    );
  }
  if (!secrets.some((one) => signatureMatches(text, one))) {
    throw new WebhookError(
      'ERR_WEBHOOK_BAD_SIGNATURE',
      'The webhook signature matches none of the secrets.',
    );
  }
  return toEvent(fields, members);
}

function decode(rawBody: string | Uint8Array): string {
  if (typeof rawBody === 'string') return rawBody;
  try {
    return decoder.decode(rawBody);
  } catch {
    throw new WebhookError('ERR_WEBHOOK_INVALID_JSON', 'The webhook body is not valid UTF-8.');
  }
}

function signatureMatches(text: string, secret: string): boolean {
  try {
    return verifySignature(text, secret);
  } catch (error) {
    if (isNeverloseMarketError(error)) {
      throw new WebhookError(
        'ERR_WEBHOOK_INVALID_SHAPE',
        `The webhook cannot be verified: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function toEvent(fields: Record<string, unknown>, members: readonly RawMember[]): WebhookEvent {
  const kind = fields['kind'];
  if (typeof kind !== 'string') {
    throw new WebhookError('ERR_WEBHOOK_INVALID_SHAPE', 'The webhook has no string "kind" field.');
  }
  if (!(WEBHOOK_KINDS as readonly string[]).includes(kind)) {
    throw new WebhookError(
      'ERR_WEBHOOK_UNKNOWN_KIND',
      `Unknown webhook kind ${JSON.stringify(kind)} (this version knows ${WEBHOOK_KINDS.join(' and ')}); update neverlose-market or answer it yourself.`,
    );
  }
  const expected = EVENT_FIELDS[kind as WebhookEvent['kind']];
  const extra = Object.keys(fields).filter((name) => !expected.includes(name));
  const missing = expected.filter((name) => !Object.hasOwn(fields, name));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new WebhookError(
      'ERR_WEBHOOK_INVALID_SHAPE',
      `A ${kind} webhook has exactly ${expected.join(', ')}: ${parts.join('; ')}.`,
    );
  }
  const raw = (name: string) => members.find((member) => member.key === name)?.raw ?? '';
  const shape = (message: string): never => {
    throw new WebhookError('ERR_WEBHOOK_INVALID_SHAPE', `A ${kind} webhook's ${message}.`);
  };

  const amountText = raw('amount');
  const amount = fields['amount'];
  if (
    typeof amount !== 'number' ||
    !NUMBER_RE.test(amountText) ||
    !Number.isFinite(amount) ||
    amount < 0
  ) {
    shape('"amount" must be a non-negative number');
  }
  const uniqueIdText = raw('unique_id');
  const uniqueId = fields['unique_id'];
  if (
    typeof uniqueId !== 'number' ||
    !INT_RE.test(uniqueIdText) ||
    !Number.isSafeInteger(uniqueId)
  ) {
    shape('"unique_id" must be a non-negative integer');
  }
  const username = fields['username'];
  if (typeof username !== 'string' || username.length === 0)
    shape('"username" must be a non-empty string');
  const base = {
    amount: amount as number,
    amountText,
    username: username as string,
    uniqueId: uniqueId as number,
    signature: fields['signature'] as string,
  };
  if (kind === 'transfer') return { kind, ...base } satisfies TransferEvent;
  const itemId = fields['item_id'];
  if (typeof itemId !== 'string' || itemId.length === 0)
    shape('"item_id" must be a non-empty string');
  return { kind: 'purchase', ...base, itemId: itemId as string } satisfies PurchaseEvent;
}
