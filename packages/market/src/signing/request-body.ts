import { SigningError } from './errors.js';
import { joinedSigningString } from './fields.js';
import { pythonFloatOfJs } from './from-js.js';
import { assertSecret, hashSigningString } from './sign.js';

/** A request body ready to send, and the signature inside it. */
export interface SignedRequest {
  /** The JSON text to send as the body, with `signature` as its last field. */
  readonly body: string;
  readonly signature: string;
}

/**
 * Signs a request payload and encodes the body to send, so that what the server reads from the
 * body is exactly what was signed.
 *
 * Fields keep their order, `undefined` ones are left out, an existing `signature` is replaced, and
 * a top-level bigint is written as a JSON integer (so ids and amounts beyond 2^53 stay exact).
 *
 * @example
 * ```ts
 * const { body } = signRequest({ user_id: 1, id: 'order-17', username: 'a49', amount: 2 }, apiKey);
 * await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
 * ```
 */
export function signRequest(
  payload: Readonly<Record<string, unknown>>,
  secret: string,
): SignedRequest {
  return encodeSignedRequest(payload, secret);
}

const NO_FLOATS: ReadonlySet<string> = new Set();

/**
 * @internal {@link signRequest}, with the fields named in `floats` sent and signed as Python
 * floats: a number in CPython's float layout (`2` becomes `2.0`, `1e-05` stays an exponent), so
 * a server that reads them as floats signs the same text as one that reads the body as sent.
 */
export function encodeSignedRequest(
  payload: Readonly<Record<string, unknown>>,
  secret: string,
  floats: ReadonlySet<string> = NO_FLOATS,
): SignedRequest {
  assertSecret(secret);
  const signature = hashSigningString(joinedSigningString(payload, floats), secret);
  let body = '{';
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (key === 'signature' || value === undefined) continue;
    const text = floats.has(key) ? pythonFloatOfJs(value, key) : encodeValue(value, key);
    body += `${JSON.stringify(key)}:${text},`;
  }
  body += `"signature":"${signature}"}`;
  return { body, signature };
}

function encodeValue(value: unknown, field: string): string {
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new SigningError(
      'ERR_SIGNING_UNSUPPORTED_VALUE',
      `Field "${field}" cannot be encoded as JSON (a nested bigint or a cycle).`,
      { cause },
    );
  }
}
