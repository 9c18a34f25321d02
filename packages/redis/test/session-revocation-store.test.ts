import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionRevocationStore } from '../src/oidc.js';

// What is specific to Redis; what every revocation store keeps is in contract.test.ts.
describe.each(deployments)('RedisSessionRevocationStore on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('keeps a revocation as one key expiring five minutes after the session, never longer', async () => {
    const prefix = redis.prefix();
    const store = new RedisSessionRevocationStore(await redis.connect(), { prefix });
    await store.revoke('session-1', Date.now() + 60_000);
    // A sign-out naming an earlier expiry leaves the later one; a later one extends it.
    await store.revoke('session-1', Date.now() + 1000);
    const key = `${prefix}oidc-session-revoked:session-1`;
    expect(await redis.keys(`${prefix}*`)).toEqual([key]);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(300 + 50);
    expect(ttl).toBeLessThanOrEqual(300 + 60);
    await store.revoke('session-1', Date.now() + 120_000);
    expect(await redis.ttl(key)).toBeGreaterThan(300 + 110);
  });

  it('keeps the sign-out of an expired session only for the clock margin', async () => {
    const prefix = redis.prefix();
    const store = new RedisSessionRevocationStore(await redis.connect(), { prefix });
    await store.revoke('gone', Date.now() - 10_000);
    const ttl = await redis.ttl(`${prefix}oidc-session-revoked:gone`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('refuses an id or an expiry it cannot keep, naming the argument', async () => {
    const store = new RedisSessionRevocationStore(await redis.connect(), {
      prefix: redis.prefix(),
    });
    await expect(store.revoke('', Date.now() + 1000)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"id"'),
    });
    await expect(store.isRevoked('x'.repeat(513), Date.now())).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(store.revoke('s', Number.NaN)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"expiresAt"'),
    });
  });

  it('refuses a bad configuration naming the option', () => {
    expect(
      () => new RedisSessionRevocationStore({ sendCommand: async () => null }, { prefix: 'a b' }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(
      () => new RedisSessionRevocationStore({ sendCommand: async () => null }, { timeoutMs: 0 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
