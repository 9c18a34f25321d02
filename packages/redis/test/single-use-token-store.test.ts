import { SignJWT } from 'jose';
import { verifyResellerToken } from 'neverlose-market/reseller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSingleUseTokenStore } from '../src/market.js';
import { deployments, type TestRedis } from './redis-server.js';

const apiKey = 'reseller-api-key';

async function checkoutToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    integration_id: 100,
    product: 'cs2',
    cnt: 0,
    days: 30,
    login: 'a47',
    email: 'a@b.c',
    market: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('NLRI')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(apiKey));
}

describe.each(deployments)('RedisSingleUseTokenStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('consumes a token id once', async () => {
    const store = new RedisSingleUseTokenStore(await redis.connect(), { prefix: redis.prefix() });
    const exp = Math.floor(Date.now() / 1000) + 3600;
    expect(await store.consume('token-a', exp)).toBe(true);
    expect(await store.consume('token-a', exp)).toBe(false);
    expect(await store.consume('token-b', exp)).toBe(true);
  });

  it('remembers a token past its expiry, beyond any clock tolerance', async () => {
    const prefix = redis.prefix();
    const store = new RedisSingleUseTokenStore(await redis.connect(), { prefix });
    await store.consume('old', Math.floor(Date.now() / 1000) - 10);
    expect(await redis.ttl(`${prefix}reseller-token:old`)).toBeGreaterThan(60);
  });

  it('lets exactly one of two instances fulfil the same checkout token', async () => {
    const prefix = redis.prefix();
    const stores = await Promise.all(
      [0, 1].map(async () => new RedisSingleUseTokenStore(await redis.connect(), { prefix })),
    );
    const token = await checkoutToken();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        verifyResellerToken(token, apiKey, { integrationId: 100, singleUseStore: stores[i % 2]! }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected')
        expect(outcome.reason).toMatchObject({ code: 'ERR_RESELLER_TOKEN_REPLAYED' });
    }
  });
});
