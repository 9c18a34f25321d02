import { intDigits, isFloatText, isWhitespace, jsonNumberEnd } from '../signing/parse-json.js';
import { pythonFloatRepr, pythonFloatReprOfText } from '../signing/python-float.js';
import { matchesAnySecret, type SignedFields, type SignedForm } from '../signing/verify.js';
import type { PurchaseEvent, TransferEvent, WebhookEvent } from './events.js';

/**
 * The slots of the known fields, in the order the signature joins them (code point order of the
 * keys); `signature` last, as it is not signed.
 */
const AMOUNT = 0;
const ITEM_ID = 1;
const KIND = 2;
const UNIQUE_ID = 3;
const USERNAME = 4;
const SIGNATURE = 5;
const SIGNED_KEYS = ['amount', 'item_id', 'kind', 'unique_id', 'username'] as const;

/** What a slot holds. */
const ABSENT = 0;
const STR = 1;
const INT = 2;
const FLOAT = 3;

/** Python refuses to read an int of more than 4300 digits: such a body is left to the reader. */
const MAX_NUMBER_LENGTH = 4300;

/** `undefined` from {@link verifyCommonBody}: the body is decided by the general reader. */
type NotCommon = undefined;
const NOT_COMMON: NotCommon = undefined;

/**
 * @internal The one-pass verifier of the body every webhook sends: a flat JSON object of the known
 * fields (`kind`, `amount`, `username`, `unique_id`, `item_id`, `signature`), each once, whose
 * values are numbers or strings with no escape, control character or lone surrogate. One scan
 * fills a slot per field with the text the signature joins; the signed forms are joined from the
 * slots in key order, with no map, field list or sort in between.
 *
 * It decides only what it is sure the general path (`verifyAnyBody`) decides the same way:
 * - a valid event: the same event;
 * - `false`: a body the general reader reads to exactly these fields, whose signature matches
 *   none of the secrets (the general path then throws `ERR_WEBHOOK_BAD_SIGNATURE`);
 * - `undefined` for anything else (another shape, an escape, a repeated or unknown key, invalid
 *   JSON, a signed body that is not a valid event...): the general path decides it, errors and all.
 *
 * @param text The decoded body.
 * @param secret The checked secret or secrets.
 */
export function verifyCommonBody(
  text: string,
  secret: string | readonly string[],
): WebhookEvent | false | NotCommon {
  const body = readCommonBody(text);
  if (body === NOT_COMMON) return NOT_COMMON;
  const signature = body.texts[SIGNATURE]!;
  if (matchesAnySecret(body, signature, secret)) return body.event();
  // A signature the general reader reads as this text matches no secret there either.
  return isPlainString(signature, 0, signature.length) ? false : NOT_COMMON;
}

/** The slots of a common body, which are also the source of its signed forms. */
class CommonBody implements SignedFields {
  /** What each slot holds ({@link ABSENT}, {@link STR}, {@link INT}, {@link FLOAT}). */
  readonly types = [ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT];
  /** Each slot's value: a string's text, a number's text as sent. */
  readonly texts: string[] = ['', '', '', '', '', ''];
  /** Each signed slot's value as Python's `str()` renders it. */
  readonly signed: string[] = ['', '', '', '', ''];
  /** Each number's value: a float's `Number(text)`, an int's `Number(digits)` (`-0` is `0`). */
  readonly values: number[] = [0, 0, 0, 0, 0];

  get hasKind(): boolean {
    return this.types[KIND] !== ABSENT;
  }

  get intAmount(): boolean {
    return this.types[AMOUNT] === INT;
  }

  join(form: SignedForm): string {
    let out = '';
    for (let slot = AMOUNT; slot <= USERNAME; slot++) {
      if (this.types[slot] === ABSENT || (slot === KIND && form.withoutKind)) continue;
      out += SIGNED_KEYS[slot]!;
      out +=
        slot === AMOUNT && form.amountAsFloat
          ? pythonFloatRepr(Number(this.signed[slot]))
          : this.signed[slot]!;
    }
    return out;
  }

  /** The event the slots describe, or `undefined` when they are not exactly one (see below). */
  event(): WebhookEvent | NotCommon {
    const { types, texts } = this;
    const kind = texts[KIND];
    if (types[KIND] !== STR || (kind !== 'transfer' && kind !== 'purchase')) return NOT_COMMON;
    // The exact field set of the kind (no other key reaches here); `signature` is a string.
    if (types[AMOUNT] === ABSENT || types[UNIQUE_ID] !== INT || types[USERNAME] !== STR) {
      return NOT_COMMON;
    }
    if ((types[ITEM_ID] === ABSENT) !== (kind === 'transfer')) return NOT_COMMON;
    if (types[AMOUNT] === STR) return NOT_COMMON;
    const amountText = texts[AMOUNT]!;
    const amount = this.values[AMOUNT]!;
    if (!Number.isFinite(amount) || amount < 0) return NOT_COMMON;
    const uniqueIdText = texts[UNIQUE_ID]!;
    const uniqueId = this.values[UNIQUE_ID]!;
    if (uniqueIdText.charCodeAt(0) === 0x2d || !Number.isSafeInteger(uniqueId)) return NOT_COMMON;
    const username = texts[USERNAME]!;
    if (username.length === 0) return NOT_COMMON;
    const signature = texts[SIGNATURE]!;
    if (kind === 'transfer') {
      return { kind, amount, amountText, username, uniqueId, signature } satisfies TransferEvent;
    }
    const itemId = texts[ITEM_ID]!;
    if (types[ITEM_ID] !== STR || itemId.length === 0) return NOT_COMMON;
    return {
      kind,
      amount,
      amountText,
      username,
      uniqueId,
      signature,
      itemId,
    } satisfies PurchaseEvent;
  }
}

/** Each slot's key and the quote that closes it, as they follow the key's opening quote. */
const QUOTED_KEYS = ['amount"', 'item_id"', 'kind"', 'unique_id"', 'username"', 'signature"'];

/**
 * The slot of the key whose text starts at `start` (after its opening quote), or -1 for any other
 * key: the first characters choose the candidate, then all of it and its closing quote are compared.
 */
function slotOf(text: string, start: number): number {
  let slot: number;
  switch (text.charCodeAt(start)) {
    case 0x61 /* a */:
      slot = AMOUNT;
      break;
    case 0x69 /* i */:
      slot = ITEM_ID;
      break;
    case 0x6b /* k */:
      slot = KIND;
      break;
    case 0x73 /* s */:
      slot = SIGNATURE;
      break;
    case 0x75 /* u */:
      slot = text.charCodeAt(start + 1) === 0x6e /* n */ ? UNIQUE_ID : USERNAME;
      break;
    default:
      return -1;
  }
  const key = QUOTED_KEYS[slot]!;
  // A slice and a compare of content: cheaper than a loop over the characters.
  return text.slice(start, start + key.length) === key ? slot : -1;
}

/**
 * Whether `text[start, end)` (a string's content, `end` the next quote) is read by the general
 * reader as itself: no escape, no control character, no lone surrogate (Python cannot encode one).
 */
function isPlainString(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x5c) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      // A pair (high then low) is a character above U+FFFF, which Python encodes; a lone one is not.
      const low = text.charCodeAt(i + 1);
      if (c >= 0xdc00 || i + 1 >= end || low < 0xdc00 || low > 0xdfff) return false;
      i++;
    }
  }
  return true;
}

/**
 * Reads a common body in one pass (RFC 8259's grammar, restricted as {@link verifyCommonBody}
 * says), or `undefined` at the first thing outside it. A body it reads is read the same by the
 * general reader: same values, no repeated key, nothing it refuses.
 */
function readCommonBody(text: string): CommonBody | NotCommon {
  // An escape anywhere leaves the body to the general reader: found at once (natively), before
  // any of the scan's work.
  if (text.indexOf('\\') !== -1) return NOT_COMMON;
  const length = text.length;
  let i = 0;
  while (isWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x7b) return NOT_COMMON;
  i++;
  const body = new CommonBody();
  const { types, texts, signed, values } = body;
  for (;;) {
    while (isWhitespace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x22) return NOT_COMMON;
    const slot = slotOf(text, i + 1);
    if (slot < 0 || types[slot] !== ABSENT) return NOT_COMMON;
    i += 1 + QUOTED_KEYS[slot]!.length;
    while (isWhitespace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3a) return NOT_COMMON;
    i++;
    while (isWhitespace(text.charCodeAt(i))) i++;
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return NOT_COMMON;
      // The signature is checked only when it does not match: a matching one is hex.
      if (slot !== SIGNATURE && !isPlainString(text, i + 1, end)) return NOT_COMMON;
      const value = text.slice(i + 1, end);
      types[slot] = STR;
      texts[slot] = value;
      if (slot !== SIGNATURE) signed[slot] = value;
      i = end + 1;
    } else {
      const end = jsonNumberEnd(text, start);
      if (end < 0 || end - start > MAX_NUMBER_LENGTH || slot === SIGNATURE) return NOT_COMMON;
      const raw = text.slice(start, end);
      i = end;
      texts[slot] = raw;
      types[slot] = isFloatText(raw) ? FLOAT : INT;
    }
    while (isWhitespace(text.charCodeAt(i))) i++;
    const next = text.charCodeAt(i);
    i++;
    if (next === 0x7d) break;
    if (next !== 0x2c) return NOT_COMMON;
  }
  while (isWhitespace(text.charCodeAt(i))) i++;
  if (i !== length || types[SIGNATURE] !== STR) return NOT_COMMON;
  // Numbers are converted once the body is known to be common: one left to the general reader
  // has cost no conversion.
  for (let slot = AMOUNT; slot <= USERNAME; slot++) {
    const type = types[slot];
    if (type === FLOAT) {
      const raw = texts[slot]!;
      const value = Number(raw);
      values[slot] = value;
      signed[slot] = pythonFloatReprOfText(raw, value);
    } else if (type === INT) {
      const digits = intDigits(texts[slot]!);
      values[slot] = Number(digits);
      signed[slot] = digits;
    }
  }
  return body;
}
