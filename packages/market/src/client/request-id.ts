import { JournalError } from '../journal/errors.js';
import { randomBase64url, sha256Base64url } from '../lib/crypto.js';
import { MarketInputError } from './errors.js';

/** A request id: an integer or a string of 1-80 characters from `A-Z a-z 0-9 . - _`. */
export type RequestId = string | number | bigint;

/** The longest id the API accepts, in characters, for numbers and strings alike. */
export const MAX_REQUEST_ID_LENGTH = 80;

const ID_RE = /^[A-Za-z0-9._-]{1,80}$/;

/**
 * A fresh random request id: 24 base64url characters (144 random bits), all of them allowed by the
 * API. Generate it once per action and reuse it for every retry.
 *
 * @param prefix Optional text before the random part, itself of allowed characters
 *   (for example `shop1-`); the whole id stays within 80 characters.
 * @example
 * ```ts
 * const id = generateRequestId('gift-'); // 'gift-3q2-7wMPv0cX6QWbY1kqN9Ab'
 * ```
 */
export function generateRequestId(prefix = ''): string {
  return validateRequestId(prefix + randomBase64url(18)) as string;
}

/** Separates key-derived ids from any other use of SHA-256 over the same text. */
const KEY_ID_DOMAIN = 'neverlose-market/request-id-of-key/v1';

/**
 * The request id a business key stands for: the same key and method give the same id in every
 * process, with or without a journal, so the provider itself refuses a repeat (`Invalid id.`).
 *
 * It is `prefix`, `k`, then base64url of SHA-256 over a fixed domain string, the method and the
 * key, cut to 80 characters (at least 23 characters of hash, 138 bits, remain with the longest
 * prefix). The method is part of it: one key (an order id) may name one `transfer-money` and one
 * `gift-product`, which are different operations; with the method left out, the second would be
 * answered `Invalid id.` and reported done without ever being applied.
 *
 * @param method The action, such as `transfer-money`.
 * @param key Your business key, a non-empty string.
 * @param prefix The client's `idPrefix`, if any.
 * @example
 * ```ts
 * keyRequestId('gift-product', 'order-1842'); // 'k' + 43 base64url characters
 * ```
 */
export function keyRequestId(method: string, key: string, prefix = ''): string {
  const digest = sha256Base64url(`${KEY_ID_DOMAIN}\0${method}\0${key}`);
  const id = `${prefix}k${digest}`.slice(0, MAX_REQUEST_ID_LENGTH);
  return validateRequestId(id) as string;
}

/**
 * Checks a request id against the documented format and returns it unchanged.
 *
 * @throws {MarketInputError} `ERR_MARKET_INVALID_ID` naming the rule broken.
 */
export function validateRequestId(id: unknown): RequestId {
  if (typeof id === 'string') {
    if (ID_RE.test(id)) return id;
    const reason =
      id.length === 0
        ? 'it is empty'
        : id.length > MAX_REQUEST_ID_LENGTH
          ? `it has ${id.length} characters (at most ${MAX_REQUEST_ID_LENGTH})`
          : 'only A-Z, a-z, 0-9, ".", "-" and "_" are allowed (no whitespace)';
    throw new MarketInputError(
      'ERR_MARKET_INVALID_ID',
      `Invalid request id ${JSON.stringify(id)}: ${reason}.`,
    );
  }
  if (typeof id === 'number' || typeof id === 'bigint') {
    if (typeof id === 'number' && !Number.isSafeInteger(id)) {
      throw new MarketInputError(
        'ERR_MARKET_INVALID_ID',
        `Invalid request id ${id}: a numeric id must be a safe integer (use a bigint or a string beyond 2^53).`,
      );
    }
    if (id < 0) {
      throw new MarketInputError(
        'ERR_MARKET_INVALID_ID',
        `Invalid request id ${id}: "-" makes it a negative number.`,
      );
    }
    if (id.toString().length > MAX_REQUEST_ID_LENGTH) {
      throw new MarketInputError(
        'ERR_MARKET_INVALID_ID',
        `Invalid request id: more than ${MAX_REQUEST_ID_LENGTH} digits.`,
      );
    }
    return id;
  }
  throw new MarketInputError(
    'ERR_MARKET_INVALID_ID',
    `Invalid request id: expected a string or an integer, got ${typeof id}.`,
  );
}

/** @internal The id as JSON text (`"abc"` or `123`), so a journal can store it without losing its type. */
export function encodeRequestId(id: RequestId): string {
  return typeof id === 'string' ? JSON.stringify(id) : id.toString();
}

/**
 * @internal The inverse of {@link encodeRequestId}.
 *
 * @throws {JournalError} `ERR_JOURNAL_CORRUPT` for text it never wrote.
 */
export function decodeRequestId(text: string): RequestId {
  try {
    if (text.startsWith('"')) {
      const id: unknown = JSON.parse(text);
      if (typeof id === 'string') return validateRequestId(id);
    } else if (/^\d{1,80}$/.test(text)) {
      const big = BigInt(text);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
  } catch (cause) {
    throw new JournalError(
      'ERR_JOURNAL_CORRUPT',
      `Unreadable request id ${JSON.stringify(text)}.`,
      {
        cause,
      },
    );
  }
  throw new JournalError('ERR_JOURNAL_CORRUPT', `Unreadable request id ${JSON.stringify(text)}.`);
}
