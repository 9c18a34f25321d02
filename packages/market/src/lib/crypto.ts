import { builtinModule } from '@neverlose-toolkit/internal/builtin';
import { sha256 } from './sha256.js';

/**
 * The few platform calls of this package (SHA-256, random bytes, a constant-time compare) behind
 * one module, chosen once at load. Everything else is portable.
 *
 * - Where `node:crypto` can be had without importing it (`process.getBuiltinModule`: Node 20.16+,
 *   Bun, Deno, Workers with `nodejs_compat`), SHA-256 is its one-shot `hash()`: the fastest on
 *   every runtime measured (README, "Runtimes").
 * - Elsewhere (Workers without `nodejs_compat`, browsers), SHA-256 is `./sha256.ts`, synchronous,
 *   as the signing API promises; Web Crypto's `digest` is asynchronous.
 *
 * Nothing here imports a `node:` module, so every entry of the package loads on any runtime.
 */

interface NodeCrypto {
  hash?: (algorithm: string, data: string, encoding: 'hex' | 'base64url') => string;
  createHash(algorithm: string): {
    update(data: string, encoding: 'utf8'): { digest(encoding: 'hex' | 'base64url'): string };
  };
}

const nodeCrypto = builtinModule<NodeCrypto>(
  'node:crypto',
  (module) => typeof module.createHash === 'function',
);

/** @internal Which SHA-256 this process uses: `node:crypto` or the portable one. */
export const SHA256_BACKEND: 'node:crypto' | 'portable' = nodeCrypto ? 'node:crypto' : 'portable';

function nodeDigest(crypto: NodeCrypto, encoding: 'hex' | 'base64url'): (text: string) => string {
  const { hash } = crypto;
  // The one-shot `hash()` (Node 20.12+) skips the Hash object: about twice as fast.
  if (typeof hash === 'function') return (text) => hash('sha256', text, encoding);
  return (text) => crypto.createHash('sha256').update(text, 'utf8').digest(encoding);
}

/** @internal SHA-256 of the UTF-8 of `text`, 64 lowercase hex characters. Synchronous. */
export const sha256Hex: (text: string) => string = nodeCrypto
  ? nodeDigest(nodeCrypto, 'hex')
  : (text) => toHex(sha256(text));

/** @internal SHA-256 of the UTF-8 of `text`, base64url without padding (43 characters). */
export const sha256Base64url: (text: string) => string = nodeCrypto
  ? nodeDigest(nodeCrypto, 'base64url')
  : (text) => toBase64url(sha256(text));

/** @internal `count` random bytes from the platform's CSPRNG, as base64url. */
export function randomBase64url(count: number): string {
  const bytes = new Uint8Array(count);
  globalThis.crypto.getRandomValues(bytes);
  return toBase64url(bytes);
}

/**
 * @internal Whether two strings are equal, in time that depends on their length only (never on
 * where they differ). For hex digests, whose length is public.
 */
export function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/** @internal Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** @internal base64url of bytes, without padding. */
export function toBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      BASE64URL[n >> 18]! +
      BASE64URL[(n >> 12) & 63]! +
      BASE64URL[(n >> 6) & 63]! +
      BASE64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * @internal The bytes of unpadded base64url text, or `undefined` when it is not exactly the text
 * {@link toBase64url} writes for them (another alphabet, padding, spare bits set).
 */
export function fromCanonicalBase64url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = BASE64URL.indexOf(text[i]!);
    if (digit < 0) return undefined;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (value >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero: otherwise two spellings decode to the same bytes.
  if ((value & ((1 << bits) - 1)) !== 0) return undefined;
  return bytes;
}
