import { describe, expect, it } from 'vitest';
import { signPayload } from '../../src/index.js';

// The reader and the one-pass webhook verifier share one scan of the JSON number grammar: its
// refusals keep their offsets and wording.
describe('a malformed JSON number', () => {
  it.each([
    ['-', 6, 'expected a value, found "-"'],
    ['-x', 6, 'expected a value, found "-"'],
    ['.5', 6, 'expected a value, found "."'],
    ['+1', 6, 'expected a value, found "+"'],
    ['1.', 8, `expected a digit after the decimal point, found "}"`],
    ['1.e5', 8, 'expected a digit after the decimal point, found "e"'],
    ['1e', 8, 'expected a digit in the exponent, found "}"'],
    ['1e+', 9, 'expected a digit in the exponent, found "}"'],
    ['1E-x', 9, 'expected a digit in the exponent, found "x"'],
    ['01', 7, `expected ',' or '}', found "1"`],
  ])('%s is refused at its offset, saying what was due', (number, offset, what) => {
    expect(() => signPayload(`{"a": ${number}}`, 'k')).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGNING_INVALID_JSON',
        message: `Invalid JSON at offset ${offset}: ${what}.`,
      }),
    );
  });
});
