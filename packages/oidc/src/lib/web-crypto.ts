import { builtinModule } from '@neverlose-toolkit/internal/builtin';
import { base64url } from 'jose';
import { NeverloseOidcError } from '../errors.js';

// The only platform calls of this package: Web Crypto and TextEncoder, which Node 20+, Bun, Deno,
// browsers and Cloudflare Workers (without nodejs_compat) all have. Nothing here imports `node:`.
// Where the runtime offers `node:crypto` through `process.getBuiltinModule` (Node 20.16+, Bun,
// Deno), the SHA-256 and the random draws of a login start use it: Web Crypto's `digest` is
// asynchronous and runs on a thread pool, which costs a login start about three times the work
// itself. The bytes are the same either way.

/** @internal A hash Web Crypto computes. */
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

const encoder = new TextEncoder();

/** Node's `Buffer`, as far as it is used here. */
interface NodeBuffer {
  toString(encoding: 'base64url', start: number, end: number): string;
}

/** The few calls of `node:crypto` used here. */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): {
    update(data: string): { digest(encoding: 'base64url'): string };
  };
  randomBytes(size: number): NodeBuffer;
}

let nodeCrypto: NodeCrypto | null | undefined;

/** `node:crypto` where the runtime hands it out without an import, else `null`. */
function nodeCryptoModule(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    nodeCrypto =
      builtinModule<NodeCrypto>(
        'node:crypto',
        (module) =>
          typeof module.createHash === 'function' && typeof module.randomBytes === 'function',
      ) ?? null;
  }
  return nodeCrypto;
}

function webCrypto(): Crypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.subtle === undefined) {
    throw new NeverloseOidcError(
      'ERR_RUNTIME_UNSUPPORTED',
      'Web Crypto is not available (globalThis.crypto.subtle): neverlose-oidc needs Node.js 20.19 or later, Bun, Deno, or a Web runtime.',
    );
  }
  return crypto;
}

function subtle(): SubtleCrypto {
  return webCrypto().subtle;
}

/** @internal The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** @internal The `hash` digest of `data`. */
export async function digest(hash: HashName, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, data));
}

/** @internal The SHA-256 of `text` (UTF-8), base64url without padding: 43 characters. */
export async function sha256Base64url(text: string): Promise<string> {
  const node = nodeCryptoModule();
  if (node !== null) return node.createHash('sha256').update(text).digest('base64url');
  return base64url.encode(await digest('SHA-256', utf8(text)));
}

/** Bytes of each random token: 256 bits, as openid-client draws its state, nonce and verifier. */
const TOKEN_BYTES = 32;

/**
 * Random bytes drawn ahead from the CSPRNG, 4 KiB at a time: a draw costs a system call, whatever
 * its size (Node's `randomUUID` keeps such a pool too). Each byte is handed out once, as part of
 * one token, then the pool is drawn again.
 */
const POOL_BYTES = 4096;

interface RandomPool {
  /** The base64url text of bytes `from` to `to` of the pool. */
  readonly encode: (from: number, to: number) => string;
  /** The first byte not handed out yet. */
  offset: number;
}

let pool: RandomPool | undefined;

function drawPool(): RandomPool {
  const node = nodeCryptoModule();
  if (node !== null) {
    const buffer = node.randomBytes(POOL_BYTES);
    return { encode: (from, to) => buffer.toString('base64url', from, to), offset: 0 };
  }
  const bytes = webCrypto().getRandomValues(new Uint8Array(POOL_BYTES));
  return { encode: (from, to) => base64url.encode(bytes.subarray(from, to)), offset: 0 };
}

/**
 * @internal `count` independent random tokens of 32 bytes each, base64url (43 characters), from
 * the runtime's CSPRNG.
 */
export function randomTokens(count: number): string[] {
  const size = count * TOKEN_BYTES;
  if (size > POOL_BYTES) throw new RangeError('Too many random tokens at once.');
  if (pool === undefined || pool.offset + size > POOL_BYTES) pool = drawPool();
  const current = pool;
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(current.encode(current.offset, current.offset + TOKEN_BYTES));
    current.offset += TOKEN_BYTES;
  }
  return tokens;
}

/** @internal Whether two strings are equal, in a time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
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
