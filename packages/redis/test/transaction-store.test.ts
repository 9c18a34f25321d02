import type { AuthorizationTransaction } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTransactionStore } from '../src/index.js';
import { startRedis } from './redis-server.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

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

describe('RedisTransactionStore', () => {
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

  it('is bounded: past maxEntries the oldest transactions are evicted', async () => {
    const client = await redis.connect();
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(client, { prefix, maxEntries: 3 });
    for (const state of ['a', 'b', 'c', 'd', 'e']) await store.set(state, tx(state), 60_000);
    expect(await store.take('a')).toBeUndefined();
    expect(await store.take('b')).toBeUndefined();
    for (const state of ['c', 'd', 'e']) expect(await store.take(state)).toMatchObject({ state });
    expect(await client.keys(`${prefix}*`)).toEqual([]);
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
