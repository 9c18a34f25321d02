import { SignJWT } from 'jose';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  acceptResellerOrder,
  MarketClient,
  MemorySingleUseTokenStore,
  type ResellerOrder,
  type SingleUseTokenStore,
} from '../../src/index.js';

const API_KEY = 'reseller-api-key';
const NOW = new Date('2024-12-22T20:30:17Z');
const IAT = Math.floor(NOW.getTime() / 1000) - 60;

const claims = {
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

const sign = (extra: Record<string, unknown> = {}) =>
  new SignJWT({ ...claims, ...extra })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(API_KEY));

const accept = (token: string, store: SingleUseTokenStore, at: Date = NOW) =>
  acceptResellerOrder(token, API_KEY, { integrationId: 100, currentDate: at, store });

describe('acceptResellerOrder', () => {
  it('records the order the first time and resumes it on a retry of the same token', async () => {
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    const token = await sign();
    const first = await accept(token, store);
    expect(first).toMatchObject({
      resumed: false,
      order: { type: 'market', login: 'a47', nle: '13.37' },
    });
    const again = await accept(token, store);
    expect(again.resumed).toBe(true);
    expect(again.order).toEqual(first.order);
    // Another token is another order.
    expect((await accept(await sign({ nle: '1' }), store)).resumed).toBe(false);
  });

  it('gives one first acceptance when the same token is accepted four times at once', async () => {
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    const token = await sign();
    const outcomes = await Promise.all([0, 1, 2, 3].map(() => accept(token, store)));
    expect(outcomes.filter((outcome) => !outcome.resumed)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.order.tokenId)).size).toBe(1);
  });

  it('records before it returns, and remembers until exp plus the clock tolerance', async () => {
    const seen: [string, number][] = [];
    const token = await sign();
    const { order } = await acceptResellerOrder(token, API_KEY, {
      integrationId: 100,
      currentDate: NOW,
      clockToleranceSeconds: 45,
      store: {
        consume: (id, until) => {
          seen.push([id, until]);
          return true;
        },
      },
    });
    expect(seen).toEqual([[order.tokenId, claims.exp + 45]]);
  });

  it('verifies before it records: a forged or expired token is refused and not recorded', async () => {
    const seen: string[] = [];
    const store: SingleUseTokenStore = {
      consume: (id) => {
        seen.push(id);
        return true;
      },
    };
    const token = await sign();
    await expect(accept(`${token.slice(0, -2)}AA`, store)).rejects.toMatchObject({
      code: 'ERR_RESELLER_TOKEN_BAD_SIGNATURE',
    });
    await expect(accept(token, store, new Date((claims.exp + 31) * 1000))).rejects.toMatchObject({
      code: 'ERR_RESELLER_TOKEN_EXPIRED',
    });
    expect(seen).toEqual([]);
  });

  it('requires a store, naming it', async () => {
    const token = await sign();
    for (const store of [undefined, null, {}]) {
      await expect(
        acceptResellerOrder(token, API_KEY, { integrationId: 100, store } as never),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('"store" is required'),
      });
    }
  });

  it('refuses an option it does not take, by name, before it records anything', async () => {
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    const token = await sign();
    await expect(
      acceptResellerOrder(token, API_KEY, {
        integrationId: 100,
        currentDate: NOW,
        store,
        singleUseStore: store,
      } as never),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"singleUseStore": is not an option of acceptResellerOrder'),
    });
    // Nothing was recorded: the first acceptance is still to come.
    expect((await accept(token, store)).resumed).toBe(false);
  });

  it('lets a failing store fail the acceptance, before anything is delivered', async () => {
    const failure = new Error('the store is down');
    await expect(
      accept(await sign(), {
        consume: () => Promise.reject(failure),
      }),
    ).rejects.toBe(failure);
  });
});

describe('MarketClient.fulfilResellerOrder', () => {
  /** A client whose fetch records each request's method and body. */
  function recordingClient() {
    const sent: { method: string; body: Record<string, unknown> }[] = [];
    const client = new MarketClient({
      userId: 10,
      secret: API_KEY,
      fetch: async (url, init) => {
        sent.push({
          method: String(url).split('/').at(-1) as string,
          body: JSON.parse(String(init?.body)) as Record<string, unknown>,
        });
        return new Response('{"success":true}', {
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    return { client, sent };
  }

  it('gifts a product order and transfers a top-up, keyed by the token id', async () => {
    const store = new MemorySingleUseTokenStore(() => NOW.getTime());
    const product = (
      await accept(
        await sign({ product: 'cs2', market: false, cnt: 1, days: 90, nle: undefined }),
        store,
      )
    ).order;
    const topUp = (await accept(await sign(), store)).order;
    const { client, sent } = recordingClient();
    await client.fulfilResellerOrder(product);
    await client.fulfilResellerOrder(topUp);
    await client.fulfilResellerOrder(topUp);
    expect(sent.map((request) => request.method)).toEqual([
      'gift-product',
      'transfer-money',
      'transfer-money',
    ]);
    expect(sent[0]?.body).toMatchObject({ username: 'a47', product: 'cs2', cnt: 1 });
    expect(sent[1]?.body).toMatchObject({ username: 'a47', amount: 13.37 });
    // The same order sends the same request id however often it runs.
    expect(sent[2]?.body['id']).toBe(sent[1]?.body['id']);
    expect(sent[0]?.body['id']).not.toBe(sent[1]?.body['id']);
  });

  it('takes a verified order only', () => {
    const { client } = recordingClient();
    expectTypeOf(client.fulfilResellerOrder).parameter(0).toEqualTypeOf<ResellerOrder>();
  });
});
