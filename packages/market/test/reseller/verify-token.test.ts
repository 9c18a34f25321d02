import { createHash, generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  acceptResellerOrder,
  MemorySingleUseTokenStore,
  verifyResellerToken,
} from '../../src/index.js';

const API_KEY = 'reseller-api-key';
const NOW = new Date('2024-12-22T20:30:17Z');
const IAT = Math.floor(NOW.getTime() / 1000) - 60;
const options = { currentDate: NOW, integrationId: 100 };

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

async function rejection(
  token: string,
  extra: Partial<Parameters<typeof verifyResellerToken>[2]> = {},
) {
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
    const order = await verifyResellerToken(token, API_KEY, options);
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

  it('records nothing: the same token verifies every time, and a store passed to it is refused by name', async () => {
    const token = await sign(productClaims);
    const first = await verifyResellerToken(token, API_KEY, options);
    await expect(verifyResellerToken(token, API_KEY, options)).resolves.toEqual(first);
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    await expect(
      verifyResellerToken(token, API_KEY, { ...options, singleUseStore: store } as never),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining(
        'Invalid option "singleUseStore": is not an option of verifyResellerToken',
      ),
    });
    await expect(
      verifyResellerToken(token, API_KEY, { currentDate: NOW, integrationID: 100 } as never),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('did you mean "integrationId"?'),
    });
  });

  it('refuses an empty API key', async () => {
    await expect(verifyResellerToken('a.b.c', '', options)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });

  it('requires integrationId, naming it', async () => {
    const token = await sign(productClaims);
    const missing = verifyResellerToken(token, API_KEY, { currentDate: NOW } as never);
    await expect(missing).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"integrationId" is required'),
    });
    await expect(verifyResellerToken(token, API_KEY, undefined as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    expect(await rejection(token, { integrationId: 0 })).toBe('ERR_INVALID_OPTION');
  });
});

/** Every base64url spelling of a segment that decodes to the same bytes. */
function spellings(segment: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const spare = [0, 0, 4, 2][segment.length % 4]!; // low bits of the last character that carry no data
  const last = alphabet.indexOf(segment.at(-1)!);
  const padding = ['', '', '==', '='][segment.length % 4]!;
  const out: string[] = [];
  for (let low = 0; low < 2 ** spare; low++) {
    const body = segment.slice(0, -1) + alphabet[(last & ~(2 ** spare - 1)) | low];
    out.push(body, body + padding);
  }
  return [...new Set(out)];
}

describe('one token, one spelling', () => {
  it('accepts a token once however its signature is spelled: the other spellings are refused, not resumed', async () => {
    const token = await sign(productClaims);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const variants = spellings(signature).map((spelling) => `${header}.${payload}.${spelling}`);
    expect(variants).toHaveLength(8);
    expect(variants).toContain(token);
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    const outcomes = await Promise.all(
      variants.map((variant) =>
        acceptResellerOrder(variant, API_KEY, { ...options, store }).then(
          ({ resumed }) => (resumed ? 'resumed' : 'accepted'),
          (error: { code: string }) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
    expect(outcomes[variants.indexOf(token)]).toBe('accepted');
    expect(
      outcomes.filter((outcome) => outcome === 'ERR_RESELLER_TOKEN_NON_CANONICAL'),
    ).toHaveLength(7);
  });

  it('refuses a padded or re-spelled header or payload as non-canonical', async () => {
    const [header, payload, signature] = (await sign(marketClaims)).split('.') as [
      string,
      string,
      string,
    ];
    for (const variant of spellings(payload).filter((spelling) => spelling !== payload)) {
      expect(await rejection(`${header}.${variant}.${signature}`)).toBe(
        'ERR_RESELLER_TOKEN_NON_CANONICAL',
      );
    }
    expect(await rejection(`${header}=.${payload}.${signature}`)).toBe(
      'ERR_RESELLER_TOKEN_NON_CANONICAL',
    );
    const standardBase64 = Buffer.from(signature, 'base64url').toString('base64');
    expect(await rejection(`${header}.${payload}.${standardBase64}`)).toBe(
      'ERR_RESELLER_TOKEN_NON_CANONICAL',
    );
    expect(await rejection(`${header}.${payload}.${signature}!`)).toBe(
      'ERR_RESELLER_TOKEN_MALFORMED',
    );
  });

  it('gives as tokenId the SHA-256 of the token in its canonical spelling', async () => {
    const token = await sign(productClaims);
    const order = await verifyResellerToken(token, API_KEY, options);
    expect(order.tokenId).toBe(createHash('sha256').update(token).digest('hex'));
  });
});

describe('how long a token lives', () => {
  it('has an accepted token remembered until exp plus the clock tolerance, the last instant it is accepted', async () => {
    const exp = Math.floor(NOW.getTime() / 1000) + 60;
    const token = await sign({ ...productClaims, exp });
    let now = NOW.getTime();
    const store = new MemorySingleUseTokenStore(() => now);
    const at = (ms: number) =>
      acceptResellerOrder(token, API_KEY, { ...options, currentDate: new Date(ms), store });

    await expect(at(now)).resolves.toMatchObject({ resumed: false });
    // Past exp, within the 30 s tolerance: still accepted by the verifier, so still remembered.
    now = (exp + 20) * 1000;
    await expect(at(now)).resolves.toMatchObject({ resumed: true });
    now = (exp + 29) * 1000;
    await expect(at(now)).resolves.toMatchObject({ resumed: true });
    // From exp + tolerance on, the verifier refuses it first: the store may forget it.
    now = (exp + 30) * 1000;
    await expect(at(now)).rejects.toMatchObject({ code: 'ERR_RESELLER_TOKEN_EXPIRED' });
  });

  it('refuses a token living longer than the docs’ hour, unless allowed', async () => {
    const long = await sign({ ...productClaims, exp: IAT + 3601 });
    expect(await rejection(long)).toBe('ERR_RESELLER_TOKEN_LIFETIME_TOO_LONG');
    await expect(
      verifyResellerToken(long, API_KEY, { ...options, maxLifetimeSeconds: 7200 }),
    ).resolves.toMatchObject({ type: 'product' });
    await expect(
      verifyResellerToken(await sign({ ...productClaims, exp: IAT + 3600 }), API_KEY, options),
    ).resolves.toBeDefined();
  });

  it('refuses a token that expires before it is issued as malformed', async () => {
    const nowSeconds = Math.floor(NOW.getTime() / 1000);
    const backwards = await sign({ ...productClaims, iat: nowSeconds + 10, exp: nowSeconds });
    expect(await rejection(backwards)).toBe('ERR_RESELLER_TOKEN_MALFORMED');
  });

  it('refuses a non-positive maxLifetimeSeconds', async () => {
    expect(await rejection(await sign(productClaims), { maxLifetimeSeconds: 0 })).toBe(
      'ERR_INVALID_OPTION',
    );
  });
});
