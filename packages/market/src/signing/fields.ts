import { compareCodePoints } from './code-point-order.js';
import { SigningError } from './errors.js';
import { isJsonInteger, pythonFloatOfJs, pythonStrOfJs } from './from-js.js';
import { parseFlatObject, parsePythonJsonDocument } from './parse-json.js';
import { pythonStr } from './python-str.js';
import type { PyValue } from './python-value.js';

/** One top-level field as the reference signature sees it: the key and `str(value)`. */
export interface SignedField {
  readonly key: string;
  readonly text: string;
  /** The value is a Python int (its `text` is its digits). */
  readonly isInt: boolean;
}

/** The fields of a payload, sorted by code point, with the `signature` field set apart. */
export interface SigningFields {
  readonly fields: readonly SignedField[];
  /** The payload's own `signature` value, if it had one (any type). */
  readonly signature: unknown;
  readonly hasSignature: boolean;
  /** Raw text only: every top-level value as Python reads it, `signature` included. */
  readonly entries?: PyEntries;
  /** Raw text only: the first top-level key the text repeats. */
  readonly duplicateKey?: string;
}

/** @internal The top-level values of raw text, by key: a `Map`, or arrays for a flat object. */
export interface PyEntries {
  readonly size: number;
  get(key: string): PyValue | undefined;
  has(key: string): boolean;
  keys(): Iterable<string>;
}

/** The entries of a flat object: a few keys, searched in place (no `Map` to build). */
class FlatEntries implements PyEntries {
  constructor(
    private readonly names: readonly string[],
    private readonly values: readonly PyValue[],
  ) {}

  get size(): number {
    return this.names.length;
  }

  get(key: string): PyValue | undefined {
    const index = this.names.indexOf(key);
    return index < 0 ? undefined : this.values[index];
  }

  has(key: string): boolean {
    return this.names.includes(key);
  }

  keys(): Iterable<string> {
    return this.names;
  }
}

/** A plain object, or raw JSON text of one. */
export type SignablePayload = string | Readonly<Record<string, unknown>>;

/**
 * Extracts the fields the reference signs from raw JSON text or from an object.
 *
 * @throws {SigningError} for anything the provider's Python could not sign the same way.
 */
export function signingFields(payload: SignablePayload): SigningFields {
  if (typeof payload === 'string') return fieldsOfRawJson(payload);
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new SigningError(
      'ERR_SIGNING_NOT_AN_OBJECT',
      `The payload must be a plain object or a string of JSON text, not ${describe(payload)}.`,
    );
  }
  return fieldsOfObject(payload);
}

function fieldsOfRawJson(text: string): SigningFields {
  const flat = parseFlatObject(text);
  if (flat !== undefined) {
    const { keys, values, mayHoldLoneSurrogate } = flat;
    return fieldsOfTopLevel(keys, values, mayHoldLoneSurrogate, new FlatEntries(keys, values));
  }
  const { value: root, duplicateKey, mayHoldLoneSurrogate } = parsePythonJsonDocument(text);
  if (root.t !== 'dict') {
    throw new SigningError(
      'ERR_SIGNING_NOT_AN_OBJECT',
      'The payload JSON must be an object ({...}).',
    );
  }
  // Python keeps a repeated key at its first position with its last value: so does the Map.
  return fieldsOfTopLevel(
    [...root.v.keys()],
    [...root.v.values()],
    mayHoldLoneSurrogate,
    root.v,
    duplicateKey,
  );
}

/**
 * The signed fields of top-level keys and their values (in the same order), `signature` apart.
 * Built as one object literal: this runs on every webhook.
 */
function fieldsOfTopLevel(
  keys: readonly string[],
  values: readonly PyValue[],
  mayHoldLoneSurrogate: boolean,
  entries: PyEntries,
  duplicateKey?: string,
): SigningFields {
  const fields: SignedField[] = [];
  let signature: unknown;
  let hasSignature = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = values[i]!;
    if (key === 'signature') {
      hasSignature = true;
      signature = value.t === 'str' ? value.v : value;
      continue;
    }
    const rendered = pythonStr(value, key);
    fields.push(
      mayHoldLoneSurrogate
        ? {
            key: checkEncodable(key, key),
            text: checkEncodable(rendered, key),
            isInt: value.t === 'int',
          }
        : { key, text: rendered, isInt: value.t === 'int' },
    );
  }
  return { fields: sortByKey(fields), signature, hasSignature, entries, duplicateKey };
}

function fieldsOfObject(object: Readonly<Record<string, unknown>>): SigningFields {
  const fields: SignedField[] = [];
  let signature: unknown;
  let hasSignature = false;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (key === 'signature') {
      hasSignature = value !== undefined;
      signature = value;
      continue;
    }
    const text = pythonStrOfJs(value, key);
    if (text === undefined) continue;
    const isInt = typeof value === 'bigint' || (typeof value === 'number' && isJsonInteger(value));
    fields.push({ key: checkEncodable(key, key), text: checkEncodable(text, key), isInt });
  }
  return { fields: sortByKey(fields), signature, hasSignature };
}

/**
 * Sorts fields by key in code point order, in place. UTF-16 order is the same unless a key holds
 * a surrogate, so the plain comparison serves, after one look at the keys. A payload has a
 * handful of fields: those are insertion-sorted (no comparator calls); many take `Array.sort`,
 * whose time cannot grow with the square of a hostile payload's size.
 */
function sortByKey(fields: SignedField[]): SignedField[] {
  let byCodePoint = false;
  for (let i = 0; i < fields.length && !byCodePoint; i++)
    byCodePoint = hasSurrogate(fields[i]!.key);
  if (fields.length > 16) {
    return fields.sort((a, b) =>
      before(a.key, b.key, byCodePoint) ? -1 : a.key === b.key ? 0 : 1,
    );
  }
  for (let i = 1; i < fields.length; i++) {
    const field = fields[i]!;
    let j = i - 1;
    while (j >= 0 && before(field.key, fields[j]!.key, byCodePoint)) {
      fields[j + 1] = fields[j]!;
      j--;
    }
    fields[j + 1] = field;
  }
  return fields;
}

/** {@link sortByKey} for bare keys, in place. */
function sortKeys(keys: string[]): string[] {
  let byCodePoint = false;
  for (let i = 0; i < keys.length && !byCodePoint; i++) byCodePoint = hasSurrogate(keys[i]!);
  if (keys.length > 16) return byCodePoint ? keys.sort(compareCodePoints) : keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && before(key, keys[j]!, byCodePoint)) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function before(a: string, b: string, byCodePoint: boolean): boolean {
  return byCodePoint ? compareCodePoints(a, b) < 0 : a < b;
}

/** Whether `text` holds a UTF-16 surrogate (paired or not): a scan, cheaper than a RegExp here. */
function hasSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

const NO_FLOATS: ReadonlySet<string> = new Set();

/**
 * The joined signing string of a payload. For an object this skips building {@link SignedField}s:
 * it is the hot path of every request the client signs.
 */
export function joinedSigningString(
  payload: SignablePayload,
  floats: ReadonlySet<string> = NO_FLOATS,
): string {
  if (
    typeof payload === 'string' ||
    payload === null ||
    typeof payload !== 'object' ||
    Array.isArray(payload)
  ) {
    return joinFields(signingFields(payload).fields);
  }
  const keys = sortKeys(Object.keys(payload));
  const hasFloats = floats.size > 0;
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === 'signature') continue;
    const value = payload[key];
    const text =
      hasFloats && floats.has(key) && value !== undefined
        ? pythonFloatOfJs(value, key)
        : pythonStrOfJs(value, key);
    if (text !== undefined) out += key + text;
  }
  // One check of the whole string; on failure, the slow path names the field.
  return out.isWellFormed() ? out : joinFields(fieldsOfObject(payload).fields);
}

/** Python's `str.encode()` (UTF-8, strict) raises on a lone surrogate; so do we. */
function checkEncodable(text: string, field: string): string {
  if (!text.isWellFormed()) {
    throw new SigningError(
      'ERR_SIGNING_UNENCODABLE_TEXT',
      `Field "${field.isWellFormed() ? field : field.toWellFormed()}" contains a lone UTF-16 surrogate, which cannot be encoded as UTF-8.`,
    );
  }
  return text;
}

/** Joins sorted fields into the string the reference hashes (before the secret). */
export function joinFields(fields: readonly SignedField[]): string {
  let out = '';
  for (const field of fields) out += field.key + field.text;
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
