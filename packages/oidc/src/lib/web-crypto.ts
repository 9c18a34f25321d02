import { NeverloseOidcError } from '../errors.js';

// The only platform calls of this package: Web Crypto and TextEncoder, which Node 20+, Bun, Deno,
// browsers and Cloudflare Workers (without nodejs_compat) all have. Nothing here imports `node:`.

/** @internal A hash Web Crypto computes. */
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (webCrypto?.subtle === undefined) {
    throw new NeverloseOidcError(
      'ERR_CONFIGURATION',
      'Web Crypto is not available (globalThis.crypto.subtle): neverlose-oidc needs Node.js 20.19 or later, Bun, Deno, or a Web runtime.',
    );
  }
  return webCrypto.subtle;
}

/** @internal The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** @internal The `hash` digest of `data`. */
export async function digest(hash: HashName, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, data));
}

/**
 * @internal HKDF-SHA-256 (RFC 5869) of `secret`, with an empty salt and `info`: `length` bytes.
 * The same bytes as Node's `hkdfSync('sha256', secret, '', info, length)`.
 */
export async function hkdfSha256(
  secret: Uint8Array<ArrayBuffer>,
  info: string,
  length: number,
): Promise<Uint8Array> {
  const crypto = subtle();
  const key = await crypto.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}
