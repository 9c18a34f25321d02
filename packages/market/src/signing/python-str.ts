import { SigningError } from './errors.js';
import { pythonFloatRepr, pythonFloatReprOfText } from './python-float.js';
import type { PyValue } from './python-value.js';

/**
 * Python's `str(value)` for a top-level field value: what the reference signature concatenates.
 *
 * Strings are themselves; ints their digits; floats CPython's repr; `True`/`False`/`None`;
 * lists and dicts their `repr`, which {@link pythonRepr} renders.
 */
export function pythonStr(value: PyValue, field: string): string {
  switch (value.t) {
    case 'str':
      return value.v;
    case 'int':
      return value.v;
    case 'float':
      // Read from text (a body), the text itself when it is already the repr: no formatting.
      return value.text === undefined
        ? pythonFloatRepr(value.v)
        : pythonFloatReprOfText(value.text, value.v);
    case 'bool':
      return value.v ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return pythonRepr(value, field);
  }
}

/**
 * Python's `repr(value)`, as `str()` of a list or dict renders its items.
 *
 * Text up to U+00FF is rendered exactly. Beyond it, Python escapes the characters its Unicode
 * database calls non-printable, and that database changes with the server's Python version, so the
 * rendering cannot be reproduced exactly: such a nested value is refused.
 */
export function pythonRepr(value: PyValue, field: string): string {
  switch (value.t) {
    case 'str':
      return pythonStringRepr(value.v, field);
    case 'list':
      return `[${value.v.map((item) => pythonRepr(item, field)).join(', ')}]`;
    case 'dict': {
      const parts: string[] = [];
      for (const [key, item] of value.v) {
        parts.push(`${pythonStringRepr(key, field)}: ${pythonRepr(item, field)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    default:
      return pythonStr(value, field);
  }
}

/**
 * CPython's `unicode_repr` for text up to U+00FF: quote choice, `\t\n\r`, and `\xNN` for the
 * non-printable (C0 controls, DEL, C1 controls, NO-BREAK SPACE and SOFT HYPHEN, which are stable
 * across Unicode versions).
 */
function pythonStringRepr(text: string, field: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const quoteCode = quote.charCodeAt(0);
  let out = quote;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c === quoteCode) out += `\\${quote}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad)
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c <= 0xff) out += text[i];
    else {
      throw new SigningError(
        'ERR_SIGNING_NESTED_VALUE',
        `Field "${field}" holds a nested object or array with text beyond U+00FF, which the provider's ` +
          'Python renders differently between versions; send the field as a JSON string ' +
          '(JSON.stringify the value) instead.',
      );
    }
  }
  return out + quote;
}
