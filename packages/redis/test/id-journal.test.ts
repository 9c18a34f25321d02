import { createServer, type Server } from 'node:http';
import { journalEntry as entry } from '@neverlose-toolkit/test-support/journal-entry';
import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { MarketClient, verifySignature } from 'neverlose-market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdJournal } from '../src/market.js';

// What is specific to Redis; what every journal keeps is in contract.test.ts.
describe.each(deployments)('RedisIdJournal on $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis.stop());

  it('writes an entry and its pending listing in one hash slot, so a failover keeps both or neither', async () => {
    const client = await redis.connect();
    const prefix = redis.prefix();
    const journal = new RedisIdJournal(client, { prefix });
    await journal.begin(entry('order-1', '"req-1"'));
    const keys = await redis.keys(`${prefix}journal:*`);
    const entryKey = keys.find((key) => key.includes('entry:gift-product:order-1'))!;
    const listing = keys.find((key) => key.endsWith('pending'))!;
    expect(/\{journal:\d+\}/.exec(entryKey)?.[0]).toBe(/\{journal:\d+\}/.exec(listing)?.[0]);
    if (redis.kind === 'cluster') {
      const slot = (key: string) =>
        (
          client as { sendCommand(k: string, r: boolean, a: string[]): Promise<unknown> }
        ).sendCommand(key, true, ['CLUSTER', 'KEYSLOT', key]);
      expect(await slot(entryKey)).toBe(await slot(listing));
    }
  });

  it('lists a pending entry again when it is begun again, and unlists a settled one', async () => {
    const client = await redis.connect();
    const prefix = redis.prefix();
    const journal = new RedisIdJournal(client, { prefix });
    await journal.begin(entry('open', '"o-1"'));
    await journal.begin(entry('done', '"d-1"'));
    await journal.complete({ method: 'gift-product', key: 'done' }, { status: 'completed' });
    // Listings gone missing (restored from an old backup, say): begin writes them back.
    for (const key of await redis.keys(`${prefix}journal:*pending`)) await client.del(key);
    expect(await journal.pending()).toEqual([]);
    await journal.begin(entry('open', '"o-2"'));
    await journal.begin(entry('done', '"d-2"'));
    expect((await journal.pending()).map((e) => [e.key, e.requestId])).toEqual([['open', '"o-1"']]);
    // The unused ids were given back: another entry may have them.
    expect(await journal.begin(entry('other', '"d-2"'))).toMatchObject({ created: true });
  });

  describe('behind MarketClient, on two instances', () => {
    let server: Server;
    let url: string;
    const applied = new Map<string, number>();

    beforeAll(async () => {
      // A market API that applies each request id once and answers `Invalid id.` to a resend.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => {
          body += chunk;
        });
        req.on('end', () => {
          const valid = verifySignature(body, 'secret', { strict: true });
          const { id } = JSON.parse(body) as { id: string };
          res.setHeader('content-type', 'application/json');
          if (!valid) return res.end('{"succ":false,"success":false,"error":"invalid signature"}');
          if (applied.has(id))
            return res.end('{"succ":false,"success":false,"error":"Invalid id."}');
          applied.set(id, 1);
          res.end('{"succ":true,"success":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/market`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('applies an order once when both instances fulfil the same business key', async () => {
      const prefix = redis.prefix();
      const instances = await Promise.all(
        [0, 1].map(
          async () =>
            new MarketClient({
              userId: 1,
              secret: 'secret',
              baseUrl: url,
              journal: new RedisIdJournal(await redis.connect(), { prefix }),
            }),
        ),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          instances[i % 2]!.giftProduct({
            key: 'order-42',
            username: 'darth',
            product: 'cs2',
            days: 30,
          }),
        ),
      );
      expect(applied.size).toBe(1);
      for (const outcome of outcomes)
        expect(['completed', 'already-completed']).toContain(outcome.status);
    });
  });
});
