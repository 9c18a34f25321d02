import { SigningError } from './errors.js';
import type { PyValue } from './python-value.js';

/** Python 3.11+ refuses to read an int of more than this many digits (`sys.int_info`). */
const MAX_INT_DIGITS = 4300;
/** Deeper nesting than this is refused instead of risking the stack. */
const MAX_DEPTH = 64;

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

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
  let i = 0;
  const n = text.length;

  const fail = (what: string): never => {
    const found = i < n ? JSON.stringify(text[i]) : 'end of input';
    throw new SigningError(
      'ERR_SIGNING_INVALID_JSON',
      `Invalid JSON at offset ${i}: ${what}, found ${found}.`,
    );
  };

  const skipWhitespace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const parseString = (): string => {
    // Caller has checked the opening quote.
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string (escape it)');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text.charCodeAt(i + 1);
      i += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            i -= 2;
            fail('invalid \\u escape');
          }
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          i -= 2;
          fail('invalid escape');
      }
      start = i;
    }
  };

  const parseNumber = (): PyValue => {
    NUMBER_RE.lastIndex = i;
    const match = NUMBER_RE.exec(text);
    if (match === null) return fail('expected a value');
    const raw = match[0];
    i += raw.length;
    if (match[1] !== undefined || match[2] !== undefined) return { t: 'float', v: Number(raw) };
    const digits = raw === '-0' ? '0' : raw;
    if (digits.length - (digits.charCodeAt(0) === 45 ? 1 : 0) > MAX_INT_DIGITS) {
      throw new SigningError(
        'ERR_SIGNING_INTEGER_TOO_LONG',
        `Integer at offset ${i - raw.length} has more than ${MAX_INT_DIGITS} digits; Python refuses to read it.`,
      );
    }
    return { t: 'int', v: digits };
  };

  const parseValue = (depth: number): PyValue => {
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === 0x22) return { t: 'str', v: parseString() };
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === 0x7b ? { t: 'dict', v: parseObjectBody(depth + 1) } : parseArray(depth + 1);
    }
    if (c === 0x74 && text.startsWith('true', i)) {
      i += 4;
      return { t: 'bool', v: true };
    }
    if (c === 0x66 && text.startsWith('false', i)) {
      i += 5;
      return { t: 'bool', v: false };
    }
    if (c === 0x6e && text.startsWith('null', i)) {
      i += 4;
      return { t: 'none' };
    }
    return parseNumber();
  };

  const parseArray = (depth: number): PyValue => {
    i++;
    const items: PyValue[] = [];
    skipWhitespace();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return { t: 'list', v: items };
    }
    for (;;) {
      items.push(parseValue(depth));
      skipWhitespace();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x5d) return { t: 'list', v: items };
      if (c !== 0x2c) {
        i--;
        fail("expected ',' or ']'");
      }
    }
  };

  const parseObjectBody = (depth: number): Map<string, PyValue> => {
    i++;
    const entries = new Map<string, PyValue>();
    skipWhitespace();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return entries;
    }
    for (;;) {
      skipWhitespace();
      if (text.charCodeAt(i) !== 0x22) fail('expected a string key');
      const key = parseString();
      skipWhitespace();
      if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
      i++;
      entries.set(key, parseValue(depth));
      skipWhitespace();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x7d) return entries;
      if (c !== 0x2c) {
        i--;
        fail("expected ',' or '}'");
      }
    }
  };

  const value = parseValue(0);
  skipWhitespace();
  if (i !== n) fail('unexpected text after the JSON value');
  return value;
}
