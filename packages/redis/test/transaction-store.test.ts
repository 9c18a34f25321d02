import { createHash } from 'node:crypto';
import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { type AuthorizationTransaction, isNeverloseOidcError } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTransactionStore } from '../src/oidc.js';

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

/** Runs `each` on every item in turn, and how each one settled. */
async function settleEach<T>(
  items: readonly T[],
  each: (item: T) => Promise<unknown>,
): Promise<PromiseSettledResult<unknown>[]> {
  const outcomes: PromiseSettledResult<unknown>[] = [];
  for (const item of items) {
    outcomes.push(
      await each(item).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
  }
  return outcomes;
}

describe.each(deployments)('RedisTransactionStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('keeps a transaction under the SHA-256 of its binding, never the binding or the state', async () => {
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(await redis.connect(), { prefix });
    const binding = 'the-binding-of-one-browser';
    await store.set(binding, tx('the-state'), 60_000);
    const keys = (await redis.keys(`${prefix}*`)).join(' ');
    expect(keys).toContain(createHash('sha256').update(binding).digest('base64url'));
    expect(keys).not.toContain(binding);
    expect(keys).not.toContain('the-state');
  });

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

  it('keeps several tabs apart by binding', async () => {
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

  it('is bounded: never holds more than maxEntries, and a full shard refuses new logins', async () => {
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 32 });
    // A binding per login, here named after its state.
    const states = Array.from({ length: 200 }, (_, i) => `state-${i}`);
    const outcomes = await settleEach(states, (state) => store.set(state, tx(state), 60_000));
    const stored = states.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    // Every entry left is listed in its shard's index, and there are at most maxEntries of them.
    const entries = await redis.keys(`${prefix}{oidc-tx:*}tx:*`);
    expect(entries).toHaveLength(stored.length);
    expect(stored.length).toBeLessThanOrEqual(32);
    expect(stored.length).toBeGreaterThanOrEqual(16);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ code: 'ERR_TRANSACTION_STORE_FULL' });
    }
    // No login that was admitted was cancelled to admit another.
    for (const state of stored) expect(await store.take(state)).toMatchObject({ state });
  });

  it('refuses a new login when its shard is full rather than evict a pending one', async () => {
    const prefix = redis.prefix();
    const single = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 1 });
    await single.set('honest', tx('honest'), 60_000);
    const refused = await single.set('flood', tx('flood'), 60_000).catch((error: unknown) => error);
    expect(isNeverloseOidcError(refused)).toBe(true);
    expect(refused).toMatchObject({
      code: 'ERR_TRANSACTION_STORE_FULL',
      message: expect.stringContaining('maxEntries'),
    });
    expect(await single.take('flood')).toBeUndefined();
    expect(await single.take('honest')).toMatchObject({ state: 'honest' });
    // Taking it made room.
    await single.set('next', tx('next'), 60_000);
    expect(await single.take('next')).toMatchObject({ state: 'next' });
  });

  it('admits a new login in place of an expired one, and again under a binding it already holds', async () => {
    const prefix = redis.prefix();
    const single = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 1 });
    await single.set('same', tx('same'), 60_000);
    await single.set('same', { ...tx('same'), nonce: 'again' }, 60_000);
    expect(await single.take('same')).toMatchObject({ nonce: 'again' });
    await single.set('short', tx('short'), 1);
    await expect
      .poll(() =>
        single.set('after', tx('after'), 60_000).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    expect(await single.take('after')).toMatchObject({ state: 'after' });
  });

  it('leaves no key behind once every transaction is taken', async () => {
    const prefix = redis.prefix();
    const store = new RedisTransactionStore(await redis.connect(), { prefix, maxEntries: 4 });
    const states = ['a', 'b', 'c', 'd', 'e', 'f'];
    await settleEach(states, (state) => store.set(state, tx(state), 60_000));
    for (const state of states) await store.take(state);
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('refuses a bad configuration naming the option', () => {
    expect(
      () => new RedisTransactionStore({ sendCommand: async () => null }, { maxEntries: 0 }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('"maxEntries"'),
      }),
    );
    expect(
      () => new RedisTransactionStore({ sendCommand: async () => null }, { prefix: 'a b' }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('"prefix"'),
      }),
    );
  });
});
