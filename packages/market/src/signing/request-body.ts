import { SigningError } from './errors.js';
import { signPayload } from './sign.js';

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
  const signature = signPayload(payload, secret);
  let body = '{';
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (key === 'signature' || value === undefined) continue;
    body += `${JSON.stringify(key)}:${encodeValue(value, key)},`;
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
