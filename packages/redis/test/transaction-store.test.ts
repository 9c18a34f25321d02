import type { AuthorizationTransaction } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTransactionStore } from '../src/oidc.js';
import { deployments, type TestRedis } from './redis-server.js';

function tx(state: string): AuthorizationTransaction {
  return {
    state,
    nonce: `nonce-${state}`,
    codeVerifier: `verifier-${state}`,
    issuer: 'https://neverlose.cc',
    redirectUri: 'https://app.example/callback',
    createdAt: Date.now(),
    expiresAt: Date.now() + 600_000,
  } as unknown as AuthorizationTransaction;
}

describe.each(deployments)('RedisTransactionStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('returns a stored transaction once, then nothing (a replayed callback finds nothing)', async () => {
    const store = new RedisTransactionStore(await redis.connect(), { prefix: redis.prefix() });
    const transaction = tx('s1');
    await store.set('s1', transaction, 60_000);
    expect(await store.take('s1')).toEqual(transaction);
    expect(await store.take('s1')).toBeUndefined();
  });

  it('lets a login started on one instance complete on another', async () => {
    const prefix = redis.prefix();
    const first = new RedisTransactionStore(await redis.connect(), { prefix });
    const second = new RedisTransactionStore(await redis.connect(), { prefix });
    await first.set('shared', tx('shared'), 60_000);
    expect(await second.take('shared')).toMatchObject({ state: 'shared' });
    expect(await first.take('shared')).toBeUndefined();
  });

  it('gives a transaction to exactly one of many concurrent takers across clients', async () => {
    const prefix = redis.prefix();
    const stores = await Promise.all(
      [0, 1, 2].map(async () => new RedisTransactionStore(await redis.connect(), { prefix })),
    );
    await stores[0]!.set('race', tx('race'), 60_000);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 3]!.take('race')),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps several tabs apart by state', async () => {
    const store = new RedisTransactionStore(await redis.connect(), { prefix: redis.prefix() });
    await store.set('tab-a', tx('tab-a'), 60_000);
    await store.set('tab-b', tx('tab-b'), 60_000);
    expect(await store.take('tab-b')).toMatchObject({ state: 'tab-b' });
    expect(await store.take('tab-a')).toMatchObject({ state: 'tab-a' });
  });

  it('forgets a transaction after its TTL', async () => {
    const store = new RedisTransactionStore(await redis.connect(), { prefix: redis.prefix() });
    await store.set('short', tx('short'), 30);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.take('short')).toBeUndefined();
  });

  it('is bounded: never holds more than maxEntries, and a full shard evicts its oldest', async () => {
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 32 });
    const states = Array.from({ length: 200 }, (_, i) => `state-${i}`);
    for (const state of states) await store.set(state, tx(state), 60_000);
    // Every entry left is listed in its shard's index, and there are at most maxEntries of them.
    const entries = await redis.keys(`${prefix}{oidc-tx:*}tx:*`);
    expect(entries.length).toBeLessThanOrEqual(32);
    expect(entries.length).toBeGreaterThanOrEqual(16);
    expect(await store.take('state-199')).toMatchObject({ state: 'state-199' });

    // One shard (maxEntries 1): exactly the oldest goes.
    const single = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 1 });
    await single.set('first', tx('first'), 60_000);
    await single.set('second', tx('second'), 60_000);
    expect(await single.take('first')).toBeUndefined();
    expect(await single.take('second')).toMatchObject({ state: 'second' });
  });

  it('leaves no key behind once every transaction is taken', async () => {
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 4 });
    for (const state of ['a', 'b', 'c', 'd', 'e', 'f']) await store.set(state, tx(state), 60_000);
    for (const state of ['a', 'b', 'c', 'd', 'e', 'f']) await store.take(state);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('refuses a bad configuration naming the option', () => {
    expect(
      () => new RedisTransactionStore({ sendCommand: async () => null }, { maxEntries: 0 }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_REDIS_CONFIGURATION',
        message: expect.stringContaining('"maxEntries"'),
      }),
    );
    expect(
      () => new RedisTransactionStore({ sendCommand: async () => null }, { prefix: 'a b' }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_REDIS_CONFIGURATION',
        message: expect.stringContaining('"prefix"'),
      }),
    );
  });
});
