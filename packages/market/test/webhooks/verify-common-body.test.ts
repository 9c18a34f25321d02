import { pick, prng, type Random } from '@neverlose-toolkit/test-support/random';
import { describe, expect, it } from 'vitest';
import { signPayload } from '../../src/index.js';
import { verifyAnyBody, verifyWebhook } from '../../src/webhooks/verify.js';
import { verifyCommonBody } from '../../src/webhooks/verify-common-body.js';
import { DOCS_PURCHASE, DOCS_SECRET, DOCS_TRANSFER } from './samples.js';

// The one-pass verifier must decide every body it decides exactly as the general reader does:
// the same event (every property, `-0` apart from `0`, in the same order) or the same error.

const SECRET = 'differential-secret';

// Value texts as they appear in a body: the common shapes first, then every edge the general reader
// knows of (escapes, unicode, Python's float layout, big and long ints, other types, bad grammar).
const COMMON_STRINGS = ['"A49"', '"E3yugw"', '"bob_1"', '"x.y-z"', '"Ярик"', '"😀"', '""'];
const EDGE_STRINGS = [
  '"a\\"b"',
  '"\\u0041"',
  '"\\ud83d\\ude00"',
  '"\\ud800"',
  '"\ud800"',
  '"a\\nb"',
  '"a\tb"',
  '"\u0000"',
  '"\\/"',
  '"\u2028"',
  '"\uFEFF"',
  '"transfer"',
  '"purchase"',
  '"refund"',
  '"a',
];
const COMMON_AMOUNTS = ['0.9', '1', '2.5', '17.1', '1000', '0.01', '0', '134.1', '1.0', '2.50'];
const COMMON_IDS = ['89968', '22', '0', '1', '9007199254740991'];
const EDGE_NUMBERS = [
  '1.0',
  '-0.0',
  '-0',
  '1e16',
  '1E2',
  '2.00',
  '5e-324',
  '1e400',
  '-1e400',
  '0.00001',
  '1.5e-7',
  '10000000000000000.0',
  '1000000000000000.0',
  '9007199254740993',
  '9007199254740991',
  '-5',
  '-2.5',
  '0.1000000000000000055511151231257827',
  '1'.repeat(4300),
  '1'.repeat(4301),
  `0.${'1'.repeat(4400)}`,
  '01',
  '1.',
  '.5',
  '+1',
  '1e',
  '1e+',
  '-',
  'NaN',
  'Infinity',
];
const OTHER_VALUES = ['true', 'false', 'null', '{}', '[]', '[1, "x"]', '{"a": 1}', '["я"]', 'nul'];
const WHITESPACE = [' ', '\n  ', '\t', '\r\n'];
/** Not JSON whitespace. */
const NOT_WHITESPACE = ['\f', '\u00a0', '\v'];
const KNOWN_KEYS = ['kind', 'amount', 'username', 'unique_id', 'item_id'];
const EDGE_KEYS = ['kin\\u0064', 'note', 'Kind', 'kind ', '', 'signatur', 'usernam', 'кind'];

interface Generated {
  body: string;
  /** Built only of the common shapes: the one-pass verifier must decide it. */
  common: boolean;
}

function value(random: Random, key: string): { text: string; common: boolean } {
  const roll = random();
  if (roll < 0.9) {
    if (key === 'kind') return { text: pick(random, ['"transfer"', '"purchase"']), common: true };
    if (key === 'unique_id') return { text: pick(random, COMMON_IDS), common: true };
    return { text: pick(random, key === 'amount' ? COMMON_AMOUNTS : COMMON_STRINGS), common: true };
  }
  if (roll < 0.94) return { text: pick(random, EDGE_NUMBERS), common: false };
  if (roll < 0.98) return { text: pick(random, EDGE_STRINGS), common: false };
  return { text: pick(random, OTHER_VALUES), common: false };
}

/** A body of a transfer or purchase, with random changes, signed in one of the accepted forms. */
function generate(random: Random): Generated {
  let common = true;
  const kind = random() < 0.5 ? 'transfer' : 'purchase';
  const keys = KNOWN_KEYS.filter((key) => key !== 'item_id' || kind === 'purchase');
  const pairs: [string, string][] = [];
  for (const key of keys) {
    const v = value(random, key);
    common &&= v.common;
    pairs.push([key, key === 'kind' && v.common ? `"${kind}"` : v.text]);
  }
  const change = random();
  if (change < 0.05) {
    pairs.splice(Math.floor(random() * pairs.length), 1);
    common = false;
  } else if (change < 0.1) {
    pairs.push([pick(random, KNOWN_KEYS), value(random, 'x').text]);
    common = false;
  } else if (change < 0.15) {
    pairs.push([pick(random, EDGE_KEYS), value(random, 'x').text]);
    common = false;
  }
  // Shuffle: the body's order is not the signature's.
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const ws = () => {
    const roll = random();
    if (roll < 0.7) return '';
    if (roll < 0.997) return pick(random, WHITESPACE);
    common = false;
    return pick(random, NOT_WHITESPACE);
  };
  const render = (list: readonly [string, string][]) =>
    `${ws()}{${list.map(([k, v]) => `${ws()}"${k}"${ws()}:${ws()}${v}${ws()}`).join(',')}}${ws()}`;

  // The signed form: every field, or without kind, or with an integral amount as a float.
  let signed = pairs;
  const form = random();
  if (form < 0.3) signed = pairs.filter(([k]) => k !== 'kind');
  if (form > 0.6) {
    signed = signed.map(([k, v]) => [k, k === 'amount' && /^-?\d+$/.test(v) ? `${v}.0` : v]);
  }
  let signature: string;
  try {
    signature = `"${signPayload(render(signed), SECRET)}"`;
  } catch {
    signature = `"${'0'.repeat(64)}"`;
  }
  const tamper = random();
  if (tamper < 0.05) {
    signature = signature.replace(/[0-9a-f]"$/, (c) => (c[0] === '0' ? '1"' : '0"'));
  } else if (tamper < 0.07) {
    signature = signature.toUpperCase();
  } else if (tamper < 0.09) {
    signature = pick(random, ['1', 'null', '"ab"', '"\\u0030"']);
    common = false;
  } else if (tamper < 0.1) {
    return { body: render(pairs), common: false };
  }
  return { body: render([...pairs, ['signature', signature]]), common };
}

type Outcome =
  | { event: Record<string, unknown>; keys: string[]; negativeZero: boolean }
  | { code: unknown; message: unknown };

function outcome(run: () => unknown): Outcome {
  try {
    const event = run() as Record<string, unknown>;
    return { event, keys: Object.keys(event), negativeZero: Object.is(event['amount'], -0) };
  } catch (error) {
    const { code, message } = error as { code: unknown; message: unknown };
    return { code, message };
  }
}

/** The one-pass verifier's decision as the general path states it, or `undefined` when it defers. */
function commonOutcome(body: string, secret: string | readonly string[]): Outcome | undefined {
  const decided = verifyCommonBody(body, secret);
  if (decided === undefined) return undefined;
  if (decided === false) {
    return {
      code: 'ERR_WEBHOOK_BAD_SIGNATURE',
      message: 'The webhook signature matches none of the secrets.',
    };
  }
  return outcome(() => decided);
}

const BODIES = 20_000;

describe('the one-pass webhook verifier against the general reader', () => {
  it(`decides ${BODIES.toLocaleString('en-US')} generated bodies as the general reader does`, () => {
    const random = prng(0x0e9a55);
    let decided = 0;
    let events = 0;
    for (let i = 0; i < BODIES; i++) {
      const { body, common } = generate(random);
      const secret = random() < 0.2 ? ['old-secret', SECRET] : SECRET;
      const general = outcome(() => verifyAnyBody(body, secret));
      const fast = commonOutcome(body, secret);
      if (fast !== undefined) {
        decided++;
        if ('event' in fast) events++;
        expect(fast, body).toStrictEqual(general);
      } else if (common) {
        // A body of the common shapes is never left to the general reader, unless it signs no event.
        expect(general, body).toHaveProperty('code');
      }
      // And the public function, whichever path it takes.
      expect(
        outcome(() => verifyWebhook(body, secret)),
        body,
      ).toStrictEqual(general);
    }
    // The fast path is exercised, and not by refusals only.
    expect(decided).toBeGreaterThan(BODIES / 3);
    expect(events).toBeGreaterThan(BODIES / 5);
  });

  it.each([
    ['the docs purchase example', DOCS_PURCHASE],
    ['the docs transfer example (amount 1 signed as 1.0, whitespace)', DOCS_TRANSFER],
  ])('verifies %s in one pass', (_name, body) => {
    const fast = verifyCommonBody(body, DOCS_SECRET);
    expect(fast).toBeTypeOf('object');
    expect(fast).toStrictEqual(verifyAnyBody(body, DOCS_SECRET));
  });

  it.each([
    ['an escape', DOCS_PURCHASE.replace('"A49"', '"A\\u0034\\u0039"')],
    ['a repeated key', DOCS_PURCHASE.replace('"A49"', '"A49","username":"A49"')],
    ['an unknown key', DOCS_PURCHASE.replace('"A49"', '"A49","note":"x"')],
    ['a nested value', DOCS_PURCHASE.replace('"A49"', '["A49"]')],
    ['a lone surrogate', DOCS_PURCHASE.replace('"A49"', '"A\ud80049"')],
    ['an integer of more than 4300 digits', DOCS_PURCHASE.replace('89968', '9'.repeat(4301))],
    ['trailing text', `${DOCS_PURCHASE}x`],
    ['a signed body of the wrong shape', DOCS_TRANSFER.replace('"transfer"', '"purchase"')],
  ])('leaves a body with %s to the general reader', (_name, body) => {
    expect(verifyCommonBody(body, DOCS_SECRET)).toBeUndefined();
  });

  it('refuses a common body whose signature matches no secret without the general reader', () => {
    expect(verifyCommonBody(DOCS_PURCHASE, ['one', 'two'])).toBe(false);
    expect(outcome(() => verifyAnyBody(DOCS_PURCHASE, ['one', 'two']))).toMatchObject({
      code: 'ERR_WEBHOOK_BAD_SIGNATURE',
    });
  });
});
