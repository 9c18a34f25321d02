import { randomBytes } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';
import { EmulatorError } from '../errors.js';

/** An id_token signing key: the private key and the public JWK published at `jwks_uri`. */
export interface SigningKey {
  readonly alg: 'RS256' | 'ES256';
  /** The `kid` of id_token headers and of the JWK. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public JWK published at `jwks_uri` (`kid`, `alg`, `use: 'sig'`). */
  readonly publicJwk: JWK;
}

/**
 * Generates a fresh signing key pair (RS256: RSA 2048, about 150 ms; ES256: P-256, about 1 ms),
 * to hand to `startEmulator({ signingKey })` so that several emulators (a test suite's) share one
 * instead of each generating its own.
 *
 * @example
 * ```ts
 * const signingKey = await generateSigningKey('RS256');
 * const emulator = await startEmulator({ signingKey });
 * ```
 */
export async function generateSigningKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

/** Checks a key handed to the emulator, naming the option. */
export function checkSigningKey(
  key: unknown,
  alg: 'RS256' | 'ES256',
  option = 'signingKey',
): SigningKey {
  const k = key as Partial<SigningKey> | null;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.kid !== 'string' ||
    typeof k.privateKey !== 'object' ||
    typeof k.publicJwk !== 'object'
  ) {
    throw new EmulatorError(
      'ERR_INVALID_OPTION',
      `Invalid emulator options: ${option} must be a key from generateSigningKey().`,
    );
  }
  if (k.alg !== alg) {
    throw new EmulatorError(
      'ERR_INVALID_OPTION',
      `Invalid emulator options: ${option} is an ${String(k.alg)} key but settings.idTokenAlg is ${alg}.`,
    );
  }
  return k as SigningKey;
}

/**
 * The emulator's signing keys. The current key is the one given at start, or is generated the
 * first time it is needed (an id_token, the JWKS): an emulator that serves only the market API
 * never pays for an RSA key. After {@link rotate}, the JWKS publishes the new key and the one
 * before, so that id_tokens already issued still verify.
 */
export class SigningKeys {
  private current: Promise<SigningKey> | undefined;
  private previous: SigningKey | undefined;

  constructor(
    readonly alg: 'RS256' | 'ES256',
    given?: SigningKey,
  ) {
    if (given !== undefined) this.current = Promise.resolve(checkSigningKey(given, alg));
  }

  /** The key that signs id_tokens now. */
  signing(): Promise<SigningKey> {
    this.current ??= generateSigningKey(this.alg);
    return this.current;
  }

  /** The public JWKs of `jwks_uri`: the current key first, then the one it replaced. */
  async published(): Promise<JWK[]> {
    const current = await this.signing();
    return this.previous === undefined
      ? [current.publicJwk]
      : [current.publicJwk, this.previous.publicJwk];
  }

  /** Makes `next` (or a new key) the signing key; the replaced one stays published. */
  async rotate(next?: SigningKey): Promise<SigningKey> {
    const replaced = this.current;
    const key = next === undefined ? generateSigningKey(this.alg) : checkSigningKey(next, this.alg);
    this.current = Promise.resolve(key);
    if (replaced !== undefined) this.previous = await replaced;
    return this.current;
  }
}
