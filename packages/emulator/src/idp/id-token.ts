import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './keys.js';

/** `at_hash`: base64url of the left half of SHA-256 of the access token (OIDC Core 3.1.3.6). */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** What an id_token says. */
export interface IdTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly userId: number;
  readonly nonce: string | undefined;
  readonly accessToken: string;
  /** Epoch seconds. */
  readonly issuedAt: number;
  /** Epoch seconds; the access token's lifetime, as the docs say. */
  readonly expiresAt: number;
}

/** Signs an id_token with the docs' fields: iss, iat, exp, sub, aud, nonce, at_hash. */
export function signIdToken(input: IdTokenInput, key: SigningKey): Promise<string> {
  const claims: Record<string, unknown> = { at_hash: atHash(input.accessToken) };
  if (input.nonce !== undefined) claims['nonce'] = input.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setSubject(String(input.userId))
    .setIssuedAt(input.issuedAt)
    .setExpirationTime(input.expiresAt)
    .sign(key.privateKey);
}
