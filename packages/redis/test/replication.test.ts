import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { journalEntry as entry } from '@neverlose-toolkit/test-support/journal-entry';
import {
  type OwnCluster,
  startOwnCluster,
  startRedis,
  type TestRedis,
} from '@neverlose-toolkit/test-support/redis-server';
import { Cluster } from 'ioredis';
import { MarketClient } from 'neverlose-market';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../src/index.js';
import { RedisIdJournal } from '../src/market.js';

describe('RedisIdJournal with waitForReplicas, on one Redis without a replica', () => {
  let redis: TestRedis;
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    redis = await startRedis();
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.end('{"succ":true,"success":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await redis.stop();
  });

  it('refuses the operation and sends nothing when no replica confirms the entry', async () => {
    const journal = new RedisIdJournal(await redis.connect(), {
      prefix: redis.prefix(),
      waitForReplicas: { count: 1, timeoutMs: 20 },
    });
    const market = new MarketClient({
      userId: 1,
      secret: 'secret',
      baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/market`,
      journal,
    });
    await expect(
      market.giftProduct({ key: 'order-1', username: 'darth', product: 'cs2', days: 30 }),
    ).rejects.toMatchObject({
      code: 'ERR_REDIS_NOT_REPLICATED',
      message: expect.stringContaining('nothing was sent'),
    });
    expect(requests).toBe(0);
    // The entry stays pending with its id, for a later call with the same key.
    expect(await journal.get({ method: 'gift-product', key: 'order-1' })).toMatchObject({
      state: 'pending',
    });
  });

  it('refuses a bad waitForReplicas naming the option', async () => {
    const client = await redis.connect();
    for (const waitForReplicas of [{ count: 0 }, { count: 1, timeoutMs: -5 }]) {
      expect(() => new RedisIdJournal(client, { waitForReplicas })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTION',
          message: expect.stringContaining('"waitForReplicas.'),
        }),
      );
    }
  });
});

describe('RedisIdJournal with waitForReplicas, on a cluster with one replica per master', () => {
  let cluster: OwnCluster;
  let client: Awaited<ReturnType<typeof connect>>;
  const connect = () =>
    createCluster({
      rootNodes: cluster.masters.map((node) => ({ url: `redis://${node}` })),
    }).connect();
  beforeAll(async () => {
    cluster = await startOwnCluster({ replicas: 1 });
    client = await connect();
  });
  const ioredisClients: Cluster[] = [];
  afterAll(async () => {
    await Promise.all(ioredisClients.map((ioredis) => ioredis.quit()));
    await client?.close();
    await cluster?.stop();
  });

  const clients: { name: string; make: () => RedisClient }[] = [
    { name: 'node-redis createCluster()', make: () => client },
    {
      name: 'ioredis Cluster',
      make: () => {
        const ioredis = new Cluster(
          cluster.masters.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })),
        );
        ioredisClients.push(ioredis);
        return ioredis;
      },
    },
  ];

  it.each(clients)(
    'lets an entry through once its replica has it, and refuses more replicas than exist ($name)',
    async ({ make }) => {
      const redis = make();
      const prefix = `${randomUUID()}:`;
      const one = new RedisIdJournal(redis, {
        prefix,
        waitForReplicas: { count: 1, timeoutMs: 1000 },
      });
      const two = new RedisIdJournal(redis, {
        prefix,
        waitForReplicas: { count: 2, timeoutMs: 50 },
      });
      expect(await one.begin(entry('order-a', '"a-1"'))).toMatchObject({ created: true });

      await expect(two.begin(entry('order-b', '"b-1"'))).rejects.toMatchObject({
        code: 'ERR_REDIS_NOT_REPLICATED',
      });
      // The refused entry is resumed by the next call for its key, with its first request id.
      expect(await one.begin(entry('order-b', '"b-2"'))).toMatchObject({
        created: false,
        entry: { requestId: '"b-1"', state: 'pending' },
      });
    },
  );
});
