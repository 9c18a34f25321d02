import {
  startRedis,
  startRedisCluster,
  type TestRedis,
} from '@neverlose-toolkit/test-support/redis-server';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../src/index.js';
import { RedisIdJournal, RedisSingleUseTokenStore, RedisWebhookDedupStore } from '../src/market.js';
import { RedisSessionRevocationStore, RedisTransactionStore } from '../src/oidc.js';

let single: Awaited<ReturnType<typeof startRedis>>;
let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
const ioredisClients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all(ioredisClients.map((client) => client.quit()));
  await Promise.all([single?.stop(), cluster?.stop()]);
});

function ioredis(): Redis {
  const client = new Redis(single.url);
  ioredisClients.push(client);
  return client;
}

function ioredisCluster(): Cluster {
  const nodes = cluster.nodes.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host: host!, port: Number(port) };
  });
  const client = new Cluster(nodes);
  ioredisClients.push(client);
  return client;
}

const clients: { name: string; redis: () => TestRedis; make: () => Promise<RedisClient> }[] = [
  { name: 'node-redis createClient()', redis: () => single, make: () => single.connect() },
  { name: 'node-redis createCluster()', redis: () => cluster, make: () => cluster.connect() },
  { name: 'ioredis Redis', redis: () => single, make: async () => ioredis() },
  { name: 'ioredis Cluster', redis: () => cluster, make: async () => ioredisCluster() },
];

describe.each(clients)('every adapter, given $name as it is', ({ redis, make }) => {
  it('journals an operation, dedups an event, spends a token, hands over a login and keeps a sign-out', async () => {
    const client = await make();
    const prefix = redis().prefix();

    const journal = new RedisIdJournal(client, { prefix });
    const entry = {
      requestId: '"req-1"',
      method: 'gift-product',
      params: '{}',
      fingerprint: 'fp',
    };
    expect(await journal.begin({ key: 'order-1', ...entry })).toMatchObject({ created: true });
    expect(await journal.begin({ key: 'order-1', ...entry, requestId: '"req-2"' })).toMatchObject({
      created: false,
      entry: { requestId: '"req-1"' },
    });
    await expect(journal.begin({ key: 'order-2', ...entry })).rejects.toMatchObject({
      code: 'ERR_JOURNAL_ID_REUSED',
    });
    expect((await journal.pending()).map((e) => e.key)).toEqual(['order-1']);
    await journal.complete(
      { method: 'gift-product', key: 'order-1' },
      { status: 'completed', reply: { success: true } },
    );
    expect(await journal.get({ method: 'gift-product', key: 'order-1' })).toMatchObject({
      state: 'completed',
    });
    expect(await journal.pending()).toEqual([]);

    const dedup = new RedisWebhookDedupStore(client, { prefix });
    expect(await dedup.claim('purchase', 1, 60)).toBe('claimed');
    expect(await dedup.claim('purchase', 1, 60)).toBe('processing');

    const tokens = new RedisSingleUseTokenStore(client, { prefix });
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect(await tokens.consume('t', exp)).toBe(true);
    expect(await tokens.consume('t', exp)).toBe(false);

    const transactions = new RedisTransactionStore(client, { prefix });
    const tx = { state: 's' } as never;
    await transactions.set('s', tx, 60_000);
    expect(await transactions.take('s')).toEqual({ state: 's' });
    expect(await transactions.take('s')).toBeUndefined();

    const revocations = new RedisSessionRevocationStore(client, { prefix });
    await revocations.revoke('session', Date.now() + 60_000);
    expect(await revocations.isRevoked('session', Date.now())).toBe(true);
    expect(await revocations.isRevoked('other', Date.now())).toBe(false);
  });
});

describe('scripts run by their hash', () => {
  it('sends a script again to a Redis that forgot it (a restart, a promoted replica)', async () => {
    const client = await single.connect();
    const dedup = new RedisWebhookDedupStore(client, { prefix: single.prefix() });
    expect(await dedup.claim('transfer', 1, 60)).toBe('claimed');
    await client.scriptFlush();
    expect(await dedup.claim('transfer', 2, 60)).toBe('claimed');
    expect(await dedup.claim('transfer', 2, 60)).toBe('processing');
  });
});

describe('a client the adapters cannot use', () => {
  const unusable: [string, unknown][] = [
    ['undefined', undefined],
    ['a URL', 'redis://127.0.0.1:6379'],
    ['an object without sendCommand or call', { get: () => undefined }],
  ];

  it.each(unusable)('is refused when the adapter is made, with a coded error: %s', (_, client) => {
    for (const make of [
      () => new RedisIdJournal(client as RedisClient),
      () => new RedisWebhookDedupStore(client as RedisClient),
      () => new RedisSingleUseTokenStore(client as RedisClient),
      () => new RedisTransactionStore(client as RedisClient),
      () => new RedisSessionRevocationStore(client as RedisClient),
    ]) {
      expect(make).toThrow(
        expect.objectContaining({
          code: 'ERR_REDIS_UNSUPPORTED_CLIENT',
          message: expect.stringContaining('createCluster()'),
        }),
      );
    }
  });
});
