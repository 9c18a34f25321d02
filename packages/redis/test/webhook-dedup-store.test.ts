import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWebhookDedupStore } from '../src/market.js';
import { deployments, type TestRedis } from './redis-server.js';

describe.each(deployments)('RedisWebhookDedupStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('claims a free event, reports a claimed one as processing and a completed one as done', async () => {
    const store = new RedisWebhookDedupStore(await redis.connect(), { prefix: redis.prefix() });
    expect(await store.claim('purchase', 7, 60)).toBe('claimed');
    expect(await store.claim('purchase', 7, 60)).toBe('processing');
    expect(await store.claim('transfer', 7, 60)).toBe('claimed');
    await store.complete('purchase', 7, 3600);
    expect(await store.claim('purchase', 7, 60)).toBe('done');
  });

  it('lets exactly one of many concurrent deliveries spread over instances claim an event', async () => {
    const prefix = redis.prefix();
    const stores = await Promise.all(
      [0, 1].map(async () => new RedisWebhookDedupStore(await redis.connect(), { prefix })),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.claim('transfer', 22, 60)),
    );
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'processing')).toHaveLength(49);
  });

  it('frees a released claim for a redelivery, but never a done record', async () => {
    const store = new RedisWebhookDedupStore(await redis.connect(), { prefix: redis.prefix() });
    await store.claim('purchase', 9, 60);
    await store.release('purchase', 9);
    expect(await store.claim('purchase', 9, 60)).toBe('claimed');
    await store.complete('purchase', 9, 3600);
    await store.release('purchase', 9);
    expect(await store.claim('purchase', 9, 60)).toBe('done');
  });

  it('expires a claim with its lease and a done record with its TTL', async () => {
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
