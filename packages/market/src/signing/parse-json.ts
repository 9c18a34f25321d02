import { SigningError } from './errors.js';
import type { PyValue } from './python-value.js';

/** Python 3.11+ refuses to read an int of more than this many digits (`sys.int_info`). */
const MAX_INT_DIGITS = 4300;
/** Deeper nesting than this is refused instead of risking the stack. */
const MAX_DEPTH = 64;

const HEX4_RE = /^[0-9a-fA-F]{4}$/;
/** What {@link PythonJsonReader} must look for inside a string: a backslash or a control character. */
const NEEDS_SCAN_RE = /[\\\x00-\x1f]/;

const TRUE: PyValue = { t: 'bool', v: true };
const FALSE: PyValue = { t: 'bool', v: false };
const NONE: PyValue = { t: 'none' };

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/**
 * Reads strict JSON (RFC 8259) into the values the provider's Python gets from `json.loads`.
 *
 * The number's text decides its type, as in Python: with `.`, `e` or `E` it is a float, otherwise
 * an int kept as exact digits. Duplicate keys keep their first position and their last value, as a
 * Python dict does. Python's extensions (`NaN`, `Infinity`) are refused: the provider never sends
 * them and no JSON library should.
 *
 * @throws {SigningError} `ERR_SIGNING_INVALID_JSON` with the offset of the first error.
 */
export function parsePythonJson(text: string): PyValue {
  return new PythonJsonReader(text).document();
}

/**
 * {@link parsePythonJson}, also naming the first key repeated in the top-level object: Python
 * keeps the last value silently, but a verifier must not accept an ambiguous event.
 */
export function parsePythonJsonDocument(text: string): {
  value: PyValue;
  duplicateKey?: string;
  /** Some string of the document may hold a lone surrogate (from the text or a `\u` escape). */
  mayHoldLoneSurrogate: boolean;
} {
  const reader = new PythonJsonReader(text);
  const value = reader.document();
  // A `\u` escape of a surrogate may pair with its neighbour or not: only then look closer.
  const mayHoldLoneSurrogate = reader.surrogateEscape || !text.isWellFormed();
  return reader.duplicateKey === undefined
    ? { value, mayHoldLoneSurrogate }
    : { value, duplicateKey: reader.duplicateKey, mayHoldLoneSurrogate };
}

/** A top-level object whose values are all primitives, in the order of its text. */
export interface FlatObject {
  readonly keys: readonly string[];
  readonly values: readonly PyValue[];
  /** Some string of the document may hold a lone surrogate (from the text or a `\u` escape). */
  readonly mayHoldLoneSurrogate: boolean;
}

/**
 * The fast path of {@link parsePythonJsonDocument} for the shape of every webhook and request: a
 * top-level object of strings, numbers, booleans and nulls, with no repeated key. It is the same
 * reader (same grammar, same errors at the same offsets) without building a `Map`; `undefined`
 * means "not that shape" (a nested value, a repeated key, not an object): read it with
 * {@link parsePythonJsonDocument}.
 *
 * @throws {SigningError} `ERR_SIGNING_INVALID_JSON` as {@link parsePythonJson} does.
 */
export function parseFlatObject(text: string): FlatObject | undefined {
  return new PythonJsonReader(text).flatDocument();
}

/** The digits of the Python int that JSON integer text reads as: `-0` is `0`. */
export function intDigits(raw: string): string {
  return raw === '-0' ? '0' : raw;
}

/**
 * The index after the JSON number (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) at
 * `start`, or, when there is none, `-1 - offset` of the error: `start` when no number begins
 * there, else the first place a digit was due ({@link numberError} says which).
 */
export function jsonNumberEnd(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) i = digitsEnd(text, i + 1);
  else return -1 - start;
  if (text.charCodeAt(i) === 0x2e) {
    const after = digitsEnd(text, i + 1);
    if (after === i + 1) return -1 - after;
    i = after;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 0x2b || sign === 0x2d) j++;
    const after = digitsEnd(text, j);
    if (after === j) return -1 - after;
    i = after;
  }
  return i;
}

/** What {@link jsonNumberEnd} found missing at `offset`, for the number at `start`. */
function numberError(text: string, start: number, offset: number): string {
  if (offset === start) return 'expected a value';
  return text.charCodeAt(offset - 1) === 0x2e
    ? 'expected a digit after the decimal point'
    : 'expected a digit in the exponent';
}

/** Whether JSON number text is a Python float: it has a fraction or an exponent. */
export function isFloatText(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x2e || c === 0x65 || c === 0x45) return true;
  }
  return false;
}

/** The index after a run of decimal digits starting at `i`. */
function digitsEnd(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/** JSON's four whitespace characters. */
export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** One pass over the text; a class rather than closures so V8 optimizes it as one shape. */
class PythonJsonReader {
  private i = 0;
  /** The first key repeated in the top-level object, if any. */
  duplicateKey: string | undefined;
  /** A `\u` escape gave a UTF-16 surrogate. */
  surrogateEscape = false;

  /**
   * The text has no backslash and no control character (whitespace included): a string then ends
   * at the next quote, with nothing to check in between. A compact body, the common case.
   */
  private readonly plain: boolean;

  constructor(private readonly text: string) {
    this.plain = !NEEDS_SCAN_RE.test(text);
  }

  document(): PyValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.i !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  /** {@link parseFlatObject}: the steps of `value(0)` on an object, stopping at a nested value. */
  flatDocument(): FlatObject | undefined {
    const text = this.text;
    // Whitespace is checked for before the call: a compact body, the common case, has none.
    if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
    if (text.charCodeAt(this.i) !== 0x7b) return undefined;
    this.i++;
    const keys: string[] = [];
    const values: PyValue[] = [];
    if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
    if (text.charCodeAt(this.i) === 0x7d) this.i++;
    else {
      for (;;) {
        if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
        if (text.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
        const key = this.string();
        if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
        if (text.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
        this.i++;
        if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
        const c = text.charCodeAt(this.i);
        if (c === 0x7b || c === 0x5b || keys.includes(key)) return undefined;
        keys.push(key);
        values.push(c === 0x22 ? { t: 'str', v: this.string() } : this.primitive(c));
        if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
        const next = text.charCodeAt(this.i);
        if (next === 0x7d) {
          this.i++;
          break;
        }
        if (next !== 0x2c) this.fail("expected ',' or '}'");
        this.i++;
      }
    }
    if (isWhitespace(text.charCodeAt(this.i))) this.skipWhitespace();
    if (this.i !== text.length) this.fail('unexpected text after the JSON value');
    return { keys, values, mayHoldLoneSurrogate: this.surrogateEscape || !text.isWellFormed() };
  }

  private fail(what: string): never {
    const found = this.i < this.text.length ? JSON.stringify(this.text[this.i]) : 'end of input';
    throw new SigningError(
      'ERR_SIGNING_INVALID_JSON',
      `Invalid JSON at offset ${this.i}: ${what}, found ${found}.`,
    );
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.i;
    for (;;) {
      if (isWhitespace(text.charCodeAt(i))) i++;
      else break;
    }
    this.i = i;
  }

  private value(depth: number): PyValue {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x22) return { t: 'str', v: this.string() };
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === 0x7b ? { t: 'dict', v: this.objectBody(depth + 1) } : this.array(depth + 1);
    }
    return this.primitive(c);
  }

  /** A literal or a number starting at the current index, whose first unit is `c`. */
  private primitive(c: number): PyValue {
    const text = this.text;
    if (c === 0x74 && text.startsWith('true', this.i)) {
      this.i += 4;
      return TRUE;
    }
    if (c === 0x66 && text.startsWith('false', this.i)) {
      this.i += 5;
      return FALSE;
    }
    if (c === 0x6e && text.startsWith('null', this.i)) {
      this.i += 4;
      return NONE;
    }
    return this.number();
  }

  /** Reads a string; the caller has checked the opening quote. */
  private string(): string {
    const text = this.text;
    const start = this.i + 1;
    // Most strings need no decoding: find the closing quote and check the run in between.
    const end = text.indexOf('"', start);
    if (this.plain && end !== -1) {
      this.i = end + 1;
      return text.slice(start, end);
    }
    let i = start;
    if (end !== -1) {
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c === 0x5c || c < 0x20) break;
        i++;
      }
      if (i === end) {
        this.i = end + 1;
        return text.slice(start, end);
      }
    }
    return this.escapedString(start, i);
  }

  /** The rest of a string from `i`, where a backslash, a control character or the end was met. */
  private escapedString(start: number, from: number): string {
    const text = this.text;
    let out = text.slice(start, from);
    let i = from;
    for (;;) {
      const run = i;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        i++;
      }
      out += text.slice(run, i);
      this.i = i;
      if (i >= text.length) this.fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail('control character in string (escape it)');
      const e = text.charCodeAt(i + 1);
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 0x75) {
        const hex = text.slice(i + 2, i + 6);
        if (!HEX4_RE.test(hex)) this.fail('invalid \\u escape');
        const unit = Number.parseInt(hex, 16);
        if (unit >= 0xd800 && unit <= 0xdfff) this.surrogateEscape = true;
        out += String.fromCharCode(unit);
        i += 6;
      } else {
        this.fail('invalid escape');
      }
    }
  }

  /** Reads a number by RFC 8259's grammar; its text decides int or float, as in Python. */
  private number(): PyValue {
    const text = this.text;
    const start = this.i;
    const end = jsonNumberEnd(text, start);
    if (end < 0) {
      this.i = -1 - end;
      this.fail(numberError(text, start, this.i));
    }
    const raw = text.slice(start, end);
    this.i = end;
    if (isFloatText(raw)) return { t: 'float', v: Number(raw), text: raw };
    const digits = intDigits(raw);
    if (digits.length - (digits.charCodeAt(0) === 45 ? 1 : 0) > MAX_INT_DIGITS) {
      throw new SigningError(
        'ERR_SIGNING_INTEGER_TOO_LONG',
        `Integer at offset ${start} has more than ${MAX_INT_DIGITS} digits; Python refuses to read it.`,
      );
    }
    return { t: 'int', v: digits, text: raw };
  }

  private array(depth: number): PyValue {
    this.i++;
    const items: PyValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return { t: 'list', v: items };
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.i);
      if (c === 0x5d) {
        this.i++;
        return { t: 'list', v: items };
      }
      if (c !== 0x2c) this.fail("expected ',' or ']'");
      this.i++;
    }
  }

  private objectBody(depth: number): Map<string, PyValue> {
    this.i++;
    const entries = new Map<string, PyValue>();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return entries;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      const size = entries.size;
      entries.set(key, this.value(depth));
      // An unchanged size means the key was there: Python keeps the last value; note the repeat.
      if (entries.size === size && depth === 1) this.duplicateKey ??= key;
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.i);
      if (c === 0x7d) {
        this.i++;
        return entries;
      }
      if (c !== 0x2c) this.fail("expected ',' or '}'");
      this.i++;
    }
  }
}
