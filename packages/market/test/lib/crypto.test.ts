import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fromCanonicalBase64url,
  SHA256_BACKEND,
  timingSafeEqualText,
  toBase64url,
  toHex,
} from '../../src/lib/crypto.js';
import { sha256 } from '../../src/lib/sha256.js';

const nodeHex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('portable SHA-256', () => {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the NIST CAVP short/long message vectors.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('hashes the NIST vector of %#', (text, digest) => {
    expect(toHex(sha256(text))).toBe(digest);
  });

  it('agrees with node:crypto on every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(toHex(sha256(text)), `length ${length}`).toBe(nodeHex(text));
    }
  });

  it('agrees with node:crypto on any text, as UTF-8 (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(toHex(sha256(text))).toBe(nodeHex(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes a lone surrogate as U+FFFD, as node:crypto does', () => {
    for (const text of ['\uD800', 'a\uDC00b', '\uDBFF\uDBFF']) {
      expect(toHex(sha256(text))).toBe(nodeHex(text));
    }
  });
});

describe('base64url and the constant-time compare', () => {
  it('writes base64url as node:crypto does, and reads back only that spelling', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = toBase64url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromCanonicalBase64url(text)).toEqual(bytes);
      }),
    );
  });

  it('refuses padding, the other alphabet, spare bits and an impossible length', () => {
    const bytes = randomBytes(32);
    const canonical = bytes.toString('base64url');
    expect(fromCanonicalBase64url(canonical)).toEqual(new Uint8Array(bytes));
    expect(fromCanonicalBase64url(`${canonical}=`)).toBeUndefined();
    expect(fromCanonicalBase64url('ab+c')).toBeUndefined();
    expect(fromCanonicalBase64url('ab/c')).toBeUndefined();
    // 32 bytes leave 2 spare bits in the last character: setting one is another spelling.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(
      canonical.at(-1)!,
    );
    const respelled =
      canonical.slice(0, -1) +
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last | 1];
    expect(fromCanonicalBase64url(respelled)).toBeUndefined();
    expect(fromCanonicalBase64url('A')).toBeUndefined();
  });

  it('compares equal and unequal texts, and texts of other lengths', () => {
    expect(timingSafeEqualText('abc', 'abc')).toBe(true);
    expect(timingSafeEqualText('abc', 'abd')).toBe(false);
    expect(timingSafeEqualText('abc', 'ab')).toBe(false);
    expect(timingSafeEqualText('', '')).toBe(true);
  });
});

describe('the SHA-256 backend', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('is node:crypto on Node, found without importing it', () => {
    expect(SHA256_BACKEND).toBe('node:crypto');
    const source = readFileSync(new URL('../../src/lib/crypto.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import .* from 'node:/m);
  });

  it('is the portable one without process.getBuiltinModule, and signs the same', async () => {
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined });
    vi.resetModules();
    const crypto = await import('../../src/lib/crypto.js');
    const signing = await import('../../src/signing/index.js');
    expect(crypto.SHA256_BACKEND).toBe('portable');
    vi.unstubAllGlobals();
    expect(crypto.sha256Hex('abc')).toBe(nodeHex('abc'));
    expect(crypto.sha256Base64url('abc')).toBe(
      createHash('sha256').update('abc').digest('base64url'),
    );
    const purchase =
      '{"kind": "purchase", "amount": 0.9, "username": "A49", "unique_id": 89968, "item_id": "E3yugw", "signature": "dc20a4d73447ac51689d6e03115aa135a8d734e610352dda818e830e70a60560"}';
    expect(signing.verifySignature(purchase, 'key')).toBe(true);
    const corpus = JSON.parse(
      readFileSync(new URL('../fixtures/python-signatures.json', import.meta.url), 'utf8'),
    ) as { cases: { raw: string; secret: string; signature?: string; nestedNonAscii?: boolean }[] };
    const signed = corpus.cases.filter((c) => c.signature !== undefined && !c.nestedNonAscii);
    expect(signed.length).toBeGreaterThan(300);
    for (const c of signed) expect(signing.signPayload(c.raw, c.secret)).toBe(c.signature);
  });
});
