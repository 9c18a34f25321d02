/**
 * The provider's rule for request ids, applied on the server side. Independent of
 * `neverlose-market`'s `validateRequestId` on purpose (the same reason as `json/parse.ts`): the
 * client's check and the server's check are two readings of the docs that tests compare.
 */
import { JsonNumber, type JsonValue } from '../json/parse.js';

const ID_RE = /^[A-Za-z0-9._-]{1,80}$/;

/**
 * The request `id` as text, or `undefined` when it breaks the docs' rules: an integer or a string,
 * at most 80 characters (digits of a number count too), only latin letters, digits and `.-_`.
 *
 * The integer `123` and the string `"123"` name the same id: the provider keys its ledger by text.
 */
export function requestIdText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return ID_RE.test(value) ? value : undefined;
  if (value instanceof JsonNumber && value.isInt)
    return ID_RE.test(value.text) ? value.text : undefined;
  return undefined;
}
