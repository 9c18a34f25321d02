import { SigningError } from './errors.js';
import { pythonFloatRepr } from './python-float.js';
import { pythonStr } from './python-str.js';
import type { PyValue } from './python-value.js';

/**
 * Maps a JavaScript value to what the provider's Python reads from the JSON a client sends for it
 * (`JSON.stringify`, or {@link signRequest}'s encoder which also writes bigints as integers).
 *
 * A number that `JSON.stringify` writes without `.` or exponent (an integer below 1e21) arrives as
 * a Python int; any other number as a float. `undefined` inside an object is left out and inside an
 * array becomes `null`, as JSON.stringify does. `toJSON()` is honoured.
 */
export function pyValueFromJs(value: unknown, field: string, inArray = false): PyValue | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(field);
  }
  switch (typeof value) {
    case 'string':
      return { t: 'str', v: value };
    case 'number':
      if (!Number.isFinite(value)) throw unsupported(field, String(value));
      return isJsonInteger(value) ? { t: 'int', v: String(value) } : { t: 'float', v: value };
    case 'bigint':
      return { t: 'int', v: value.toString() };
    case 'boolean':
      return { t: 'bool', v: value };
    case 'undefined':
      return inArray ? { t: 'none' } : undefined;
    case 'object': {
      if (value === null) return { t: 'none' };
      if (Array.isArray(value)) {
        return {
          t: 'list',
          v: value.map((item) => pyValueFromJs(item, field, true) ?? { t: 'none' }),
        };
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw unsupported(field, `an instance of ${value.constructor?.name ?? 'a class'}`);
      }
      const entries = new Map<string, PyValue>();
      for (const key of Object.keys(value)) {
        const item = pyValueFromJs((value as Record<string, unknown>)[key], field);
        if (item !== undefined) entries.set(key, item);
      }
      return { t: 'dict', v: entries };
    }
    default:
      throw unsupported(field, `a ${typeof value}`);
  }
}

/**
 * `str()` of a top-level JavaScript field value, without building a {@link PyValue} for the
 * common primitive cases. `undefined` means the field is left out (JSON.stringify drops it).
 */
export function pythonStrOfJs(value: unknown, field: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw unsupported(field, String(value));
      return isJsonInteger(value) ? String(value) : pythonFloatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    default: {
      if (value === null) return 'None';
      const converted = pyValueFromJs(value, field);
      return converted === undefined ? undefined : pythonStr(converted, field);
    }
  }
}

/**
 * A number written as a Python float: CPython's layout (`2.0`, `1e-05`), which is valid JSON and
 * reads back as the same float, so the text sent and `str()` of what the server reads agree.
 */
export function pythonFloatOfJs(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw unsupported(
      field,
      `${typeof value === 'number' ? String(value) : `a ${typeof value}`}, not a finite number to send as a float`,
    );
  }
  return pythonFloatRepr(value);
}

/** JSON.stringify writes these without `.` or exponent, so Python reads them as ints. */
export function isJsonInteger(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < 1e21;
}

function unsupported(field: string, what: string): SigningError {
  return new SigningError(
    'ERR_SIGNING_UNSUPPORTED_VALUE',
    `Field "${field}" is ${what}, which JSON cannot carry; send a string, a finite number, a boolean or null.`,
  );
}
