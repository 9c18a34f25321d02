import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signPayload, signRequest } from '../../src/index.js';
import { signingString } from '../../src/signing/sign.js';

/** JSON values JavaScript can hold, with keys and text across the Unicode range. */
const jsonScalar = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const latin1Text = fc.string({
  unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
});
const nestedValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    latin1Text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(latin1Text, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const payload = fc.dictionary(
  fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()),
  fc.oneof(jsonScalar, nestedValue),
  { maxKeys: 8 },
);

describe('signing an object', () => {
  it('signs what the server computes for the JSON a client sends for it', () => {
    fc.assert(
      fc.property(
        payload,
        (object) => signPayload(object, 'k') === signPayload(JSON.stringify(object), 'k'),
      ),
      { numRuns: 3000 },
    );
  });

  it('produces a body whose raw text signs to the signature inside it', () => {
    fc.assert(
      fc.property(payload, (object) => {
        const { body, signature } = signRequest(object, 'k');
        return signPayload(body, 'k') === signature && JSON.parse(body).signature === signature;
      }),
      { numRuns: 3000 },
    );
  });

  // docs/provider-facts.md#python-rendering
  it('renders values as Python str() does, not String()', () => {
    expect(
      signingString({
        a: true,
        b: false,
        c: null,
        d: 0.00001,
        e: 1.5e-7,
        f: 1e21,
        g: -0,
        h: 9007199254740993n,
        i: { a: 1, "it's": [1, 'x', 2.5, null, true] },
        j: [],
      }),
    ).toBe(
      "aTruebFalsecNoned1e-05e1.5e-07f1e+21g0h9007199254740993i{'a': 1, \"it's\": [1, 'x', 2.5, None, True]}j[]",
    );
  });

  it('signs an integer-valued number as an int, as JSON.stringify sends it', () => {
    expect(signingString({ amount: 2 })).toBe('amount2');
    expect(signingString({ amount: 2.5 })).toBe('amount2.5');
  });

  it('leaves out undefined fields and the signature field', () => {
    expect(signingString({ a: 1, b: undefined, signature: 'x' })).toBe('a1');
  });

  it('honours toJSON, as JSON.stringify does', () => {
    const when = new Date(Date.UTC(2026, 0, 2));
    expect(signingString({ when })).toBe('when2026-01-02T00:00:00.000Z');
  });

  it('writes a top-level bigint as a JSON integer and signs its exact digits', () => {
    const { body } = signRequest({ id: 123456789012345678901234567890n, user_id: 1 }, 'k');
    expect(body).toMatch(
      /^\{"id":123456789012345678901234567890,"user_id":1,"signature":"[0-9a-f]{64}"\}$/,
    );
    expect(signingString(body)).toBe('id123456789012345678901234567890user_id1');
  });

  it('replaces a signature already present in the payload', () => {
    const { body, signature } = signRequest({ a: 1, signature: 'stale' }, 'k');
    expect(JSON.parse(body)).toEqual({ a: 1, signature });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a Map', new Map()],
  ])('refuses %s with ERR_SIGNING_UNSUPPORTED_VALUE naming the field', (_, value) => {
    expect(() => signPayload({ amount: value }, 'k')).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGNING_UNSUPPORTED_VALUE',
        message: expect.stringContaining('"amount"'),
      }),
    );
  });

  it('never renders [object Object]: nested text beyond U+00FF is refused with advice', () => {
    expect(() => signPayload({ prices: { 'cs2-30': { EUR: '€' } } }, 'k')).toThrow(
      expect.objectContaining({
        code: 'ERR_SIGNING_NESTED_VALUE',
        message: expect.stringMatching(/"prices".*send the field as a JSON string/),
      }),
    );
    expect(signingString({ prices: JSON.stringify({ 'cs2-30': { EUR: '€' } }) })).toBe(
      'prices{"cs2-30":{"EUR":"€"}}',
    );
  });

  it.each([
    ['an array', [1]],
    ['null', null],
    ['a number', 5],
  ])('refuses %s as the payload', (_, value) => {
    expect(() => signPayload(value as never, 'k')).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNING_NOT_AN_OBJECT' }),
    );
  });

  it.each([[''], [undefined], [42]])('refuses the secret %j', (secret) => {
    expect(() => signPayload({ a: 1 }, secret as never)).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNING_INVALID_SECRET' }),
    );
  });

  it('refuses a lone surrogate, which Python cannot encode', () => {
    expect(() => signPayload({ name: 'a\ud800' }, 'k')).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNING_UNENCODABLE_TEXT' }),
    );
  });
});
