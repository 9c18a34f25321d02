import { generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { MemorySingleUseStore, verifyResellerToken } from '../../src/index.js';

const API_KEY = 'reseller-api-key';
const NOW = new Date('2024-12-22T20:30:17Z');
const IAT = Math.floor(NOW.getTime() / 1000) - 60;
const options = { currentDate: NOW };

const productClaims = {
  iss: 'NLRI',
  iat: IAT,
  exp: IAT + 3600,
  integration_id: 100,
  product: 'cs2',
  cnt: 0,
  login: 'a47',
  email: 'foo@bar.baz',
  market: false,
  days: 30,
};
const marketClaims = {
  iss: 'NLRI',
  iat: IAT,
  exp: IAT + 3600,
  integration_id: 100,
  product: 'marketplace',
  cnt: null,
  login: 'a47',
  email: 'foo@bar.baz',
  market: true,
  nle: '13.37',
};

function sign(
  claims: Record<string, unknown>,
  alg = 'HS256',
  key: Uint8Array | CryptoKey = new TextEncoder().encode(API_KEY),
) {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejection(token: string, extra: Parameters<typeof verifyResellerToken>[2] = {}) {
  return verifyResellerToken(token, API_KEY, { ...options, ...extra }).then(
    () => {
      throw new Error('the token was accepted');
    },
    (error: { code: string }) => error.code,
  );
}

describe('verifyResellerToken', () => {
  it('returns a typed product order', async () => {
    const token = await sign(productClaims);
    const order = await verifyResellerToken(token, API_KEY, { ...options, integrationId: 100 });
    expect(order).toMatchObject({
      type: 'product',
      product: 'cs2',
      cnt: 0,
      days: 30,
      login: 'a47',
      integrationId: 100,
    });
    expect(order.expiresAt.getTime()).toBe((IAT + 3600) * 1000);
    expect(order.tokenId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns a market top-up with nle kept as a decimal string', async () => {
    const order = await verifyResellerToken(
      await sign({ ...marketClaims, nle: '10.10' }),
      API_KEY,
      options,
    );
    expect(order).toMatchObject({ type: 'market', product: 'marketplace', nle: '10.10' });
  });

  it('rejects alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(productClaims)}.`;
    expect(await rejection(token)).toBe('ERR_RESELLER_TOKEN_WRONG_ALGORITHM');
  });

  it('rejects HS512 even with the right key', async () => {
    expect(await rejection(await sign(productClaims, 'HS512'))).toBe(
      'ERR_RESELLER_TOKEN_WRONG_ALGORITHM',
    );
  });

  it('rejects RS256', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(await rejection(await sign(productClaims, 'RS256', privateKey))).toBe(
      'ERR_RESELLER_TOKEN_WRONG_ALGORITHM',
    );
  });

  it('rejects HS256 signed with a public key used as the HMAC secret', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const token = await sign(productClaims, 'HS256', new TextEncoder().encode(pem));
    expect(await rejection(token)).toBe('ERR_RESELLER_TOKEN_BAD_SIGNATURE');
  });

  it('rejects an expired token, and accepts one within the clock tolerance', async () => {
    const expired = await sign({ ...productClaims, exp: Math.floor(NOW.getTime() / 1000) - 31 });
    expect(await rejection(expired)).toBe('ERR_RESELLER_TOKEN_EXPIRED');
    const justExpired = await sign({
      ...productClaims,
      exp: Math.floor(NOW.getTime() / 1000) - 10,
    });
    await expect(verifyResellerToken(justExpired, API_KEY, options)).resolves.toMatchObject({
      type: 'product',
    });
  });

  it('rejects a wrong issuer', async () => {
    expect(await rejection(await sign({ ...productClaims, iss: 'EVIL' }))).toBe(
      'ERR_RESELLER_TOKEN_WRONG_ISSUER',
    );
    const { iss: _iss, ...noIssuer } = productClaims;
    expect(await rejection(await sign(noIssuer))).toBe('ERR_RESELLER_TOKEN_MALFORMED');
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = (await sign(productClaims)).split('.');
    const tampered = `${header}.${b64({ ...productClaims, login: 'attacker' })}.${signature}`;
    expect(await rejection(tampered)).toBe('ERR_RESELLER_TOKEN_BAD_SIGNATURE');
  });

  it('rejects a token signed with another key', async () => {
    const token = await sign(productClaims, 'HS256', new TextEncoder().encode('someone-else'));
    expect(await rejection(token)).toBe('ERR_RESELLER_TOKEN_BAD_SIGNATURE');
  });

  it('rejects a wrong integration when one is expected', async () => {
    expect(
      await rejection(await sign({ ...productClaims, integration_id: 101 }), {
        integrationId: 100,
      }),
    ).toBe('ERR_RESELLER_TOKEN_WRONG_INTEGRATION');
  });

  it.each([
    ['no exp', { exp: undefined }],
    ['no iat', { iat: undefined }],
    ['days disagreeing with cnt', { days: 90 }],
    ['an unknown cnt', { cnt: 7 }],
    ['market not a boolean', { market: 'no' }],
    ['no login', { login: undefined }],
    ['an iat in the future', { iat: IAT + 600, exp: IAT + 4000 }],
  ])('rejects a product order with %s as malformed', async (_name, change) => {
    const claims = Object.fromEntries(
      Object.entries({ ...productClaims, ...change }).filter(([, value]) => value !== undefined),
    );
    expect(await rejection(await sign(claims))).toBe('ERR_RESELLER_TOKEN_MALFORMED');
  });

  it.each([
    ['a numeric nle', { nle: 13.37 }],
    ['a product other than marketplace', { product: 'cs2' }],
    ['a cnt', { cnt: 0 }],
  ])('rejects a market top-up with %s as malformed', async (_name, change) => {
    expect(await rejection(await sign({ ...marketClaims, ...change }))).toBe(
      'ERR_RESELLER_TOKEN_MALFORMED',
    );
  });

  it('rejects garbage as malformed', async () => {
    expect(await rejection('not-a-token')).toBe('ERR_RESELLER_TOKEN_MALFORMED');
    expect(await rejection('a.b.c')).toBe('ERR_RESELLER_TOKEN_MALFORMED');
  });

  it('refuses a token the single-use store has seen', async () => {
    const store = new MemorySingleUseStore(() => NOW.getTime());
    const token = await sign(productClaims);
    await verifyResellerToken(token, API_KEY, { ...options, singleUseStore: store });
    expect(await rejection(token, { singleUseStore: store })).toBe('ERR_RESELLER_TOKEN_REPLAYED');
    await expect(
      verifyResellerToken(await sign(marketClaims), API_KEY, { ...options, singleUseStore: store }),
    ).resolves.toBeDefined();
  });

  it('refuses an empty API key', async () => {
    await expect(verifyResellerToken('a.b.c', '')).rejects.toMatchObject({
      code: 'ERR_RESELLER_TOKEN_INVALID_OPTIONS',
    });
  });
});
