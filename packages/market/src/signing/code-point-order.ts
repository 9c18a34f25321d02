/**
 * Orders strings by Unicode code point, as Python's `sorted()` does.
 *
 * JavaScript's default sort compares UTF-16 code units, which puts U+10000 and above (stored as
 * surrogates D800-DFFF) before U+E000-U+FFFF. At the first differing unit both strings are at the
 * same character boundary, so lifting surrogates above E000-FFFF there gives code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return lift(x) - lift(y);
  }
  return a.length - b.length;
}

function lift(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
