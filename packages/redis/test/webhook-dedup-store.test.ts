import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWebhookDedupStore } from '../src/index.js';
import { startRedis } from './redis-server.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('RedisWebhookDedupStore', () => {
  it('records an event once per kind and unique_id', async () => {
    const store = new RedisWebhookDedupStore(await redis.connect(), { prefix: redis.prefix() });
    expect(await store.insertIfAbsent('purchase', 7, 3600)).toBe(true);
    expect(await store.insertIfAbsent('purchase', 7, 3600)).toBe(false);
    expect(await store.insertIfAbsent('transfer', 7, 3600)).toBe(true);
  });

  it('admits exactly one of many concurrent deliveries spread over instances', async () => {
    const prefix = redis.prefix();
    const stores = await Promise.all(
      [0, 1].map(async () => new RedisWebhookDedupStore(await redis.connect(), { prefix })),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.insertIfAbsent('transfer', 22, 3600)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets a redelivery run again after delete (the handler had failed)', async () => {
    const store = new RedisWebhookDedupStore(await redis.connect(), { prefix: redis.prefix() });
    await store.insertIfAbsent('purchase', 9, 3600);
    await store.delete('purchase', 9);
    expect(await store.insertIfAbsent('purchase', 9, 3600)).toBe(true);
  });

  it('sets the TTL on the record', async () => {
    const client = await redis.connect();
    const prefix = redis.prefix();
    const store = new RedisWebhookDedupStore(client, { prefix });
    await store.insertIfAbsent('purchase', 10, 120);
    const ttl = await client.ttl(`${prefix}webhook:purchase:10`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
