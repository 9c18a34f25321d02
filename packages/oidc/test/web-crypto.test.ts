import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomTokens, sha256Base64url } from '../src/lib/web-crypto.js';

describe('the crypto seam', () => {
  it('hands out 256-bit base64url tokens, never the same bytes twice, across pool refills', () => {
    const tokens = Array.from({ length: 150 }, () => randomTokens(4)).flat();
    // 600 tokens of 32 bytes: the 4 KiB pool is drawn again four times.
    expect(tokens.every((token) => /^[\w-]{43}$/.test(token))).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('hashes as Node and Web Crypto do: SHA-256, base64url without padding', async () => {
    for (const text of ['', 'verifier', 'é€😀', 'x'.repeat(1000)]) {
      expect(await sha256Base64url(text)).toBe(
        createHash('sha256').update(text).digest('base64url'),
      );
    }
  });
});
