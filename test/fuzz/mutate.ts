/** Deterministic randomness and text mutations for the fuzz tests. */

import { int, pick, type Random } from '@neverlose-toolkit/test-support/random';

export { int, pick, prng, type Random } from '@neverlose-toolkit/test-support/random';

/** Snippets that stress a JSON reader and a signature check. */
const TOKENS = [
  ' ',
  '\n',
  '\t',
  ',',
  ':',
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  '\\u0000',
  '\\ud800',
  '\u0000',
  '\u2028',
  '\uFEFF',
  '\u{1F600}',
  '1e400',
  '-0',
  '0.0',
  '1.0',
  '1e0',
  'NaN',
  'Infinity',
  'true',
  'null',
  '"kind":"transfer",',
  '"kind":"purchase",',
  '"item_id":"X",',
  '"extra":1,',
  '"signature":"00",',
  '"amount":1,',
  '"unique_id":1,',
  '99999999999999999999',
  '"',
  '""',
  '\\"',
  '%00',
  '<script>',
];

/** One random mutation of `text`. */
export function mutate(random: Random, text: string): string {
  const at = int(random, text.length + 1);
  switch (int(random, 9)) {
    case 0: // replace one character
      return text.slice(0, at) + String.fromCharCode(int(random, 0x80)) + text.slice(at + 1);
    case 1: // delete a range
      return text.slice(0, at) + text.slice(at + 1 + int(random, 8));
    case 2: // duplicate a range
      return text.slice(0, at + int(random, 12)) + text.slice(at);
    case 3: // insert a token
      return text.slice(0, at) + pick(random, TOKENS) + text.slice(at);
    case 4: // truncate
      return text.slice(0, at);
    case 5: // flip a digit
      return text.replace(/\d/g, (d) =>
        random() < 0.15 ? String((Number(d) + 1 + int(random, 8)) % 10) : d,
      );
    case 6: // change the case of a letter
      return text.slice(0, at) + text.slice(at, at + 1).toUpperCase() + text.slice(at + 1);
    case 7: // random unicode garbage
      return Array.from({ length: int(random, 40) }, () =>
        String.fromCodePoint(int(random, 0x10ffff) & ~0x800),
      ).join('');
    default: // two mutations
      return mutate(random, mutate(random, text));
  }
}
