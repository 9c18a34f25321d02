import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSingleUseTokenStore } from '../src/market.js';

// What is specific to Redis; what every token store keeps is in contract.test.ts.
describe.each(deployments)('RedisSingleUseTokenStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('remembers a token past its expiry, beyond any clock tolerance, as the key expiry', async () => {
    const prefix = redis.prefix();
    const store = new RedisSingleUseTokenStore(await redis.connect(), { prefix });
    await store.consume('old', Math.floor(Date.now() / 1000) - 10);
    expect(await redis.ttl(`${prefix}reseller-token:old`)).toBeGreaterThan(60);
  });
});
