import { SignJWT } from 'jose';
import { isNeverloseMarketError } from 'neverlose-market/errors';
import { verifyResellerToken } from 'neverlose-market/reseller';
import { describe, expect, it } from 'vitest';
import { int, mutate, pick, prng, type Random } from './mutate.js';

const API_KEY = 'fuzz-reseller-key';
const ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function genuineToken(random: Random, now: number): Promise<string> {
  const market = random() < 0.3;
  const cnt = int(random, 4);
  const claims = market
    ? {
        integration_id: 100,
        product: 'marketplace',
        cnt: null,
        login: 'a47',
        email: 'a@b.c',
        market: true,
        nle: pick(random, ['13.37', '1', '0.5']),
      }
    : {
        integration_id: 100,
        product: pick(random, ['cs2', 'csgo']),
        cnt,
        days: [30, 90, 180, 365][cnt],
        login: pick(random, ['a47', 'darth']),
        email: 'a@b.c',
        market: false,
      };
  const iat = now - int(random, 600);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('NLRI')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600) // the docs: exp = iat + 1 hour
    .sign(encoder.encode(API_KEY));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Structural attacks on a genuine token: forged headers, re-signed claims, wrong keys. */
async function attack(random: Random, token: string): Promise<string> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  switch (int(random, 6)) {
    case 0: // alg none, with and without a signature
      return `${b64({ alg: pick(random, ['none', 'None', 'NONE']), typ: 'JWT' })}.${payload}.${random() < 0.5 ? '' : signature}`;
    case 1: // another algorithm's header on the same signature
      return `${b64({ alg: pick(random, ['HS512', 'HS384', 'RS256', 'ES256', 'EdDSA']), typ: 'JWT' })}.${payload}.${signature}`;
    case 2: // claims changed, old signature kept
      return `${header}.${b64({ ...claims, [pick(random, ['login', 'days', 'cnt', 'nle', 'integration_id', 'iss', 'exp'])]: pick(random, ['x', 9999, null, 'NLRI', true]) })}.${signature}`;
    case 3: // claims changed and re-signed with a wrong key
      return new SignJWT({ ...claims, login: 'attacker' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(
          encoder.encode(
            pick(random, ['', 'wrong', `${API_KEY} `, API_KEY.toUpperCase()]).padEnd(1, 'k'),
          ),
        );
    case 4: // extra segments or a JWE-looking token
      return `${token}.${pick(random, ['', 'x', signature])}`;
    default: // a token for another integration, validly signed: must be refused by integration id
      return new SignJWT({ ...claims, integration_id: 101 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(encoder.encode(API_KEY));
  }
}

/** What an order means: every claim but the timestamps. */
const meaning = (claims: Record<string, unknown>) => {
  const { iat: _iat, exp: _exp, ...rest } = claims;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
};

describe(`fuzzing reseller checkout tokens with ${ITERATIONS.toLocaleString('en-US')} mutated and forged tokens`, () => {
  it('throws only coded errors and accepts nothing a genuine token did not say', async () => {
    const random = prng(0x70c3);
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all(Array.from({ length: 48 }, () => genuineToken(random, now)));
    const genuine = new Set<string>();
    for (const token of tokens)
      genuine.add(
        meaning((await verifyResellerToken(token, API_KEY, { integrationId: 100 })).claims),
      );

    const codes = new Map<string, number>();
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const source = pick(random, tokens);
      const roll = random();
      const token =
        roll < 0.25 ? await attack(random, source) : roll < 0.97 ? mutate(random, source) : source;
      try {
        const order = await verifyResellerToken(token, API_KEY, { integrationId: 100 });
        accepted++;
        if (!genuine.has(meaning(order.claims))) throw new Error(`forged order accepted: ${token}`);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('forged')) throw error;
        if (!isNeverloseMarketError(error))
          throw new Error(`uncoded error for ${JSON.stringify(token)}: ${error}`);
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    // Every attack family is refused under its own code.
    for (const code of [
      'ERR_RESELLER_TOKEN_MALFORMED',
      'ERR_RESELLER_TOKEN_BAD_SIGNATURE',
      'ERR_RESELLER_TOKEN_WRONG_ALGORITHM',
      'ERR_RESELLER_TOKEN_WRONG_INTEGRATION',
    ]) {
      expect(codes.get(code), code).toBeGreaterThan(0);
    }
  }, 300_000);
});
