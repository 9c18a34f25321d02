import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonFloatReprOfText } from '../../src/signing/python-float.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/python-float-repr.json', import.meta.url), 'utf8'),
) as { meta: { python: string }; cases: [text: string, repr: string][] };

/** JSON number text: sign, integer part, fraction, exponent, each present or not. */
const jsonNumberText = fc
  .record({
    negative: fc.boolean(),
    integer: fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,19}$/)),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
    exponent: fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/), { nil: undefined }),
  })
  .filter(({ fraction, exponent }) => fraction !== undefined || exponent !== undefined)
  .map(
    ({ negative, integer, fraction, exponent }) =>
      `${negative ? '-' : ''}${integer}${fraction === undefined ? '' : `.${fraction}`}${exponent ?? ''}`,
  );

describe("pythonFloatReprOfText: a float's repr from the text it was read from", () => {
  it(`matches CPython ${fixture.meta.python}'s repr() on every recorded float`, () => {
    const mismatches = fixture.cases
      .map(([text, repr]) => [text, repr, pythonFloatReprOfText(text, Number(text))] as const)
      .filter(([, repr, ours]) => repr !== ours);
    expect(mismatches).toEqual([]);
  });

  it.each([
    ['0.9', '0.9'],
    ['0.90', '0.9'],
    ['2.0', '2.0'],
    ['0.0001', '0.0001'],
    ['0.00001', '1e-05'],
    ['123456789012345.6', '123456789012345.6'],
    ['1234567890123456.7', '1234567890123456.8'],
    ['0.1234567890123456789', '0.12345678901234568'],
    ['-0.5', '-0.5'],
    ['1e2', '100.0'],
  ])('renders the float read from %s as %s', (text, expected) => {
    expect(pythonFloatReprOfText(text, Number(text))).toBe(expected);
  });

  it('agrees with pythonFloatRepr of the number for any JSON number text', () => {
    fc.assert(
      fc.property(jsonNumberText, (text) => {
        const value = Number(text);
        return pythonFloatReprOfText(text, value) === pythonFloatRepr(value);
      }),
      { numRuns: 50_000 },
    );
  });
});
