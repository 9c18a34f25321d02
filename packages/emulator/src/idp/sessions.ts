import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Fresh random text for ids, codes and tokens. */
function randomId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** An authorization request waiting for sign-in and consent. */
export interface PendingAuthorization {
  readonly id: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  readonly codeChallenge: string | undefined;
  readonly createdAt: number;
  /** Set once a user signed in. */
  userId: number | undefined;
}

/** An issued authorization code. */
export interface CodeRecord {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly userId: number;
  readonly scopes: readonly string[];
  readonly nonce: string | undefined;
  readonly codeChallenge: string | undefined;
  readonly issuedAt: number;
  readonly expiresAt: number;
  used: boolean;
  /** Access tokens issued for it (revoked if the code is replayed). */
  readonly accessTokens: string[];
}

/** An issued access token. */
export interface TokenRecord {
  readonly accessToken: string;
  readonly clientId: string;
  readonly userId: number;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  revoked: boolean;
}

const PENDING_TTL_MS = 10 * 60_000;

/** In-memory OAuth state: pending sign-ins, codes and tokens (not persisted). */
export class IdpSessions {
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, CodeRecord>();
  readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number) {}

  createPending(
    input: Omit<PendingAuthorization, 'id' | 'createdAt' | 'userId'>,
  ): PendingAuthorization {
    this.sweep();
    const pending: PendingAuthorization = {
      ...input,
      id: randomId(),
      createdAt: this.now(),
      userId: undefined,
    };
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** A pending request that has not expired. */
  getPending(id: string): PendingAuthorization | undefined {
    const pending = this.pending.get(id);
    if (pending === undefined || pending.createdAt + PENDING_TTL_MS <= this.now()) return undefined;
    return pending;
  }

  issueCode(pending: PendingAuthorization, userId: number, ttlSeconds: number): CodeRecord {
    const issuedAt = this.now();
    const record: CodeRecord = {
      code: randomId(),
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      userId,
      scopes: pending.scopes,
      nonce: pending.nonce,
      codeChallenge: pending.codeChallenge,
      issuedAt,
      expiresAt: issuedAt + ttlSeconds * 1000,
      used: false,
      accessTokens: [],
    };
    this.codes.set(record.code, record);
    this.pending.delete(pending.id);
    return record;
  }

  issueToken(code: CodeRecord, ttlSeconds: number): TokenRecord {
    const issuedAt = this.now();
    const token: TokenRecord = {
      accessToken: randomId(32),
      clientId: code.clientId,
      userId: code.userId,
      scopes: code.scopes,
      issuedAt,
      expiresAt: issuedAt + ttlSeconds * 1000,
      revoked: false,
    };
    code.used = true;
    code.accessTokens.push(token.accessToken);
    this.tokens.set(token.accessToken, token);
    return token;
  }

  /** A replayed code revokes what it issued (RFC 6749 section 4.1.2). */
  revokeIssuedBy(code: CodeRecord): void {
    for (const accessToken of code.accessTokens) {
      const token = this.tokens.get(accessToken);
      if (token !== undefined) token.revoked = true;
    }
  }

  /** A valid (known, unexpired, unrevoked) token. */
  validToken(accessToken: string): TokenRecord | undefined {
    const token = this.tokens.get(accessToken);
    if (token === undefined || token.revoked || token.expiresAt <= this.now()) return undefined;
    return token;
  }

  clear(): void {
    this.pending.clear();
    this.codes.clear();
    this.tokens.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, pending] of this.pending)
      if (pending.createdAt + PENDING_TTL_MS <= now) this.pending.delete(id);
  }
}

/** S256: BASE64URL(SHA256(verifier)) compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** Constant-time comparison of two secrets. */
export function secretsEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a === b;
}
