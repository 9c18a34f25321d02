import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWebhookDedupStore } from '../src/market.js';

// What is specific to Redis; what every dedup store keeps is in contract.test.ts.
describe.each(deployments)('RedisWebhookDedupStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('keeps a claim for its lease and a done record for its TTL, as the key expiry', async () => {
    const prefix = redis.prefix();
    const store = new RedisWebhookDedupStore(await redis.connect(), { prefix });
    await store.claim('purchase', 10, 30);
    const lease = await redis.ttl(`${prefix}webhook:purchase:10`);
    expect(lease).toBeGreaterThan(20);
    expect(lease).toBeLessThanOrEqual(30);
    await store.complete('purchase', 10, 120);
    const ttl = await redis.ttl(`${prefix}webhook:purchase:10`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
