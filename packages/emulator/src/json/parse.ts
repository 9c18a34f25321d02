/**
 * How the provider's server reads a request body: its Python `json.loads`, as far as the emulator
 * needs it to pick fields (`user_id`, `id`, `amount`, `cnt`...) and to tell `1` (an int) from
 * `1.0` (a float) and keep big ids exact.
 *
 * Why a second JSON reader beside `neverlose-market`'s signing reader: the emulator is an
 * independent model of the provider. It uses the SDK only through its public signing API
 * (`verifySignature` with `strict`, whose byte-exactness is pinned by the Python corpus) and reads
 * the fields itself, so that a bug in the SDK's reader shows up as a disagreement in tests instead
 * of cancelling out. Keep it that way: do not import the SDK's internals here.
 *
 * Where it differs from `json.loads`, on purpose: it refuses `NaN`, `Infinity` and nesting deeper
 * than 64 levels (the server's behaviour there is unknown; a strict refusal is the safe model).
 */

/**
 * A JSON number as sent: the provider's Python reads `1` as an int and `1.0` as a float, and ids
 * longer than 2^53 must stay exact, so the text is kept beside the value.
 */
export class JsonNumber {
  constructor(
    /** The number's source text, such as `2.00` or `9007199254740993`. */
    readonly text: string,
  ) {}

  /** True when the text has no `.`, `e` or `E` (a Python int). */
  get isInt(): boolean {
    return !/[.eE]/.test(this.text);
  }

  get value(): number {
    return Number(this.text);
  }
}

/** A parsed JSON value whose numbers keep their text. */
export type JsonValue = string | boolean | null | JsonNumber | JsonValue[] | JsonObject;
/** A JSON object (null prototype, so `__proto__` is an ordinary key). */
export type JsonObject = { [key: string]: JsonValue };

const MAX_DEPTH = 64;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Thrown by {@link parseJson} for text that is not strict JSON (RFC 8259). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Reads strict JSON, keeping every number's text. Duplicate keys keep the last value, as Python's
 * `json.loads` does. Nesting deeper than 64 levels is refused rather than risking the stack.
 */
export function parseJson(text: string): JsonValue {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`Invalid JSON at offset ${i}: ${what}.`, i);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = (): string => {
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
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      i += 2;
      if (e === 'u') {
        const hex = text.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
      } else {
        const simple = ESCAPES[e ?? ''];
        if (simple === undefined) fail('invalid escape');
        out += simple;
      }
      start = i;
    }
  };
  const value = (depth: number): JsonValue => {
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER_RE.lastIndex = i;
    const match = NUMBER_RE.exec(text);
    if (match === null) return fail('expected a value');
    i += match[0].length;
    return new JsonNumber(match[0]);
  };
  const object = (depth: number): JsonObject => {
    i++;
    const out: JsonObject = Object.create(null);
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a string key');
      const key = str();
      ws();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      out[key] = value(depth);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail('expected "," or "}"');
    }
  };
  const array = (depth: number): JsonValue[] => {
    i++;
    const out: JsonValue[] = [];
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail('expected "," or "]"');
    }
  };
  const root = value(0);
  ws();
  if (i !== n) fail('unexpected text after the value');
  return root;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** True for a parsed JSON object (not an array, not null). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof JsonNumber)
  );
}

/** Converts a parsed value back to plain JavaScript (numbers as `number`), for logs. */
export function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(out, key, {
        value: toPlain(value[key] as JsonValue),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
