/**
 * CPython's `repr(float)` (and `str(float)`, the same since Python 3.2) for a JavaScript number.
 *
 * Both languages pick the shortest digit string that reads back as the same double, so only the
 * layout differs. CPython (`Python/pystrtod.c`, mode `'r'`) uses exponent form when the decimal
 * exponent is below -4 or at least 16, writes the exponent with a sign and at least two digits, and
 * ends an integral value in `.0`.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

  // Rounding is monotonic, so 1e-4 <= |x| < 1e16 on the double is exactly Python's fixed-layout
  // range, and there JavaScript's String() writes the same shortest digits without an exponent.
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }

  // toExponential() with no argument gives the shortest round-trip digits: "d.ddde±x".
  const scientific = value.toExponential();
  const negative = scientific.charCodeAt(0) === 45; /* - */
  const body = negative ? scientific.slice(1) : scientific;
  const e = body.indexOf('e');
  const exponent = Number(body.slice(e + 1));
  const digits = body.charCodeAt(1) === 46 /* . */ ? body[0] + body.slice(2, e) : body.slice(0, e);
  const sign = negative ? '-' : '';

  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const size = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${size < 10 ? '0' : ''}${size}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) {
    return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/**
 * {@link pythonFloatRepr} of a float read from JSON `text` (`value` is `Number(text)`), without
 * formatting the number when the text already is its repr: a plain decimal (`0.9`, `-12.25`) of at
 * most 15 significant digits, no trailing zero, no exponent, from 0.0001 up. Any decimal of at most
 * 15 significant digits reads back from its double unchanged (15 is a double's `DBL_DIG`), so no
 * shorter string names that double and the shortest repr is the text itself; from 1e-4 to 1e16
 * CPython lays it out without an exponent, as the text is. Anything else is formatted.
 */
export function pythonFloatReprOfText(text: string, value: number): string {
  return isOwnRepr(text) ? text : pythonFloatRepr(value);
}

/** Whether JSON number text is a plain decimal that is its own repr (see above). */
function isOwnRepr(text: string): boolean {
  const length = text.length;
  // The last character: a non-zero digit (not an integer, not a trailing zero, not an exponent).
  const last = text.charCodeAt(length - 1);
  if (last < 0x31 || last > 0x39 || length > 17) return false;
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  let point = -1;
  let significant = 0;
  let leadingZeros = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (point !== -1) return false;
      point = i;
    } else if (c < 0x30 || c > 0x39) {
      return false;
    } else if (significant === 0 && c === 0x30) {
      leadingZeros++;
    } else {
      significant++;
    }
  }
  // `0.000d` has 4 leading zeros (the integer's and three after the point): 1e-4, the lowest.
  return point !== -1 && significant <= 15 && leadingZeros <= 4;
}
