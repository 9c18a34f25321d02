import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNeverloseMarketError, signPayload, verifySignature } from '../../src/index.js';

interface CorpusCase {
  raw: string;
  secret: string;
  signature?: string;
  pythonError?: string;
  nestedNonAscii?: boolean;
}

const corpus = JSON.parse(
  readFileSync(new URL('../fixtures/python-signatures.json', import.meta.url), 'utf8'),
) as { meta: { python: string }; cases: CorpusCase[] };

const signed = corpus.cases.filter((c) => c.signature !== undefined && !c.nestedNonAscii);
const refusedByPython = corpus.cases.filter((c) => c.pythonError !== undefined);
const nestedNonAscii = corpus.cases.filter((c) => c.nestedNonAscii);

describe(`signatures computed by the Python reference (CPython ${corpus.meta.python})`, () => {
  it('holds at least 300 payloads the reference signed', () => {
    expect(signed.length).toBeGreaterThanOrEqual(300);
  });

  it.each(signed.map((c, index) => [index, c] as const))(
    'case %i matches byte for byte',
    (_, c) => {
      expect(signPayload(c.raw, c.secret)).toBe(c.signature);
    },
  );

  it('verifies every corpus payload once its signature is inserted', () => {
    for (const c of signed) {
      const withSignature = c.raw
        .replace(/^\s*\{/, `{"signature": "${c.signature}", `)
        .replace(/, \s*\}$/, '}');
      // A payload that already had a signature field keeps Python's last-value rule: skip those.
      if (/"signature"\s*:/.test(c.raw) || c.raw.trim() === '{}') continue;
      expect(verifySignature(withSignature, c.secret, { strict: true })).toBe(true);
    }
  });

  it.each(refusedByPython.map((c) => [c.pythonError, c.raw.slice(0, 40)] as const))(
    'refuses what the reference cannot sign (%s: %s…)',
    (_, rawStart) => {
      const c = refusedByPython.find((r) => r.raw.startsWith(rawStart))!;
      expect(() => signPayload(c.raw, c.secret)).toThrow(
        expect.objectContaining({
          code: expect.stringMatching(/^ERR_SIGNING_(UNENCODABLE_TEXT|INTEGER_TOO_LONG)$/),
        }),
      );
    },
  );

  it('refuses nested values holding non-ASCII text, saying to send a JSON string', () => {
    expect(nestedNonAscii.length).toBeGreaterThan(0);
    for (const c of nestedNonAscii) {
      try {
        signPayload(c.raw, c.secret);
        expect.unreachable(`signed a nested non-ASCII value: ${c.raw}`);
      } catch (error) {
        expect(isNeverloseMarketError(error) && error.code).toBe('ERR_SIGNING_NESTED_VALUE');
        expect((error as Error).message).toMatch(/JSON string/);
      }
    }
  });
});
