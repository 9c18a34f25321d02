import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr } from '../../src/signing/python-float.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/python-float-repr.json', import.meta.url), 'utf8'),
) as { meta: { python: string }; cases: [text: string, repr: string][] };

describe(`pythonFloatRepr against CPython ${fixture.meta.python}'s repr()`, () => {
  it('matches every one of the recorded floats', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(3000);
    const mismatches = fixture.cases
      .map(([text, repr]) => [text, repr, pythonFloatRepr(Number(text))] as const)
      .filter(([, repr, ours]) => repr !== ours);
    expect(mismatches).toEqual([]);
  });

  // The table of docs/provider-facts.md#python-rendering, and the edges of the layout.
  it.each([
    [2, '2.0'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [100, '100.0'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [-0, '-0.0'],
    [0.0001, '0.0001'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('renders %d as %s, as CPython’s repr() does', (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });
});

describe('pythonFloatRepr properties', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  it('reads back as the same double', () => {
    fc.assert(
      fc.property(finite, (value) => Object.is(Number(pythonFloatRepr(value)), value)),
      { numRuns: 20_000 },
    );
  });

  it('uses exponent form exactly when the decimal exponent is below -4 or at least 16', () => {
    fc.assert(
      fc.property(
        finite.filter((v) => v !== 0),
        (value) => {
          const exponent = Number(value.toExponential().split('e')[1]);
          const repr = pythonFloatRepr(value);
          return repr.includes('e') === (exponent < -4 || exponent >= 16);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('writes the exponent with a sign and at least two digits', () => {
    fc.assert(
      fc.property(finite, (value) => {
        const repr = pythonFloatRepr(value);
        return !repr.includes('e') || /e[+-]\d{2,3}$/.test(repr);
      }),
      { numRuns: 20_000 },
    );
  });

  it('ends an integral value in fixed form with .0, and never ends a mantissa with a dot', () => {
    fc.assert(
      fc.property(finite, (value) => {
        const repr = pythonFloatRepr(value);
        if (repr.includes('e')) return !/\.e/.test(repr) && !/\.0e/.test(repr);
        return repr.includes('.') && (!Number.isInteger(value) || repr.endsWith('.0'));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps the shortest round-trip digits of JavaScript', () => {
    fc.assert(
      fc.property(
        finite.filter((v) => v !== 0),
        (value) => {
          const digits = (text: string) =>
            text
              .replace(/^-/, '')
              .split('e')[0]!
              .replace('.', '')
              .replace(/^0+/, '')
              .replace(/0+$/, '');
          return digits(pythonFloatRepr(value)) === digits(value.toExponential());
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
