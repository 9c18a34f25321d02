import { createServer, type Server } from 'node:http';
import { MarketClient, type NewJournalEntry, verifySignature } from 'neverlose-market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdJournal } from '../src/index.js';
import { startRedis } from './redis-server.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const entry = (key: string, requestId: string): NewJournalEntry => ({
  key,
  requestId,
  method: 'gift-product',
  params: '{"username":"darth","product":"cs2","cnt":0}',
  fingerprint: `fp-${key}`,
});

describe('RedisIdJournal', () => {
  it('maps a key to one entry forever: a second begin returns the first entry', async () => {
    const journal = new RedisIdJournal(await redis.connect(), { prefix: redis.prefix() });
    const first = await journal.begin(entry('order-1', '"req-1"'));
    expect(first).toMatchObject({
      created: true,
      entry: { key: 'order-1', requestId: '"req-1"', state: 'pending' },
    });
    const again = await journal.begin(entry('order-1', '"req-2"'));
    expect(again).toMatchObject({ created: false, entry: { requestId: '"req-1"' } });
  });

  it('refuses a request id that belongs to another key', async () => {
    const journal = new RedisIdJournal(await redis.connect(), { prefix: redis.prefix() });
    await journal.begin(entry('order-1', '"req-1"'));
    await expect(journal.begin(entry('order-2', '"req-1"'))).rejects.toMatchObject({
      code: 'ERR_JOURNAL_ID_REUSED',
    });
  });

  it('creates an entry for exactly one of many concurrent begins across clients', async () => {
    const prefix = redis.prefix();
    const journals = await Promise.all(
      [0, 1].map(async () => new RedisIdJournal(await redis.connect(), { prefix })),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => journals[i % 2]!.begin(entry('order-x', `"req-${i}"`))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.requestId)).size).toBe(1);
  });

  it('lists pending entries oldest first and never changes a settled one', async () => {
    const journal = new RedisIdJournal(await redis.connect(), { prefix: redis.prefix() });
    await journal.begin(entry('a', '"1"'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await journal.begin(entry('b', '"2"'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await journal.begin(entry('c', '"3"'));
    expect((await journal.pending()).map((e) => e.key)).toEqual(['a', 'b', 'c']);
    await journal.complete('b', { status: 'completed', reply: { success: true } });
    await journal.fail('c', { code: 'ERR_MARKET_USER_NOT_FOUND', message: "User doesn't exist" });
    await journal.complete('c', { status: 'completed' });
    expect((await journal.pending()).map((e) => e.key)).toEqual(['a']);
    expect(await journal.get('b')).toMatchObject({
      state: 'completed',
      completion: { reply: { success: true } },
    });
    expect(await journal.get('c')).toMatchObject({
      state: 'failed',
      failure: { message: "User doesn't exist" },
    });
    expect(await journal.get('nope')).toBeUndefined();
    await expect(journal.complete('nope', { status: 'completed' })).rejects.toMatchObject({
      code: 'ERR_JOURNAL_UNKNOWN_KEY',
    });
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
