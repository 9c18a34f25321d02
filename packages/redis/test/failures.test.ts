import { createServer, type Server } from 'node:http';
import { journalEntry as entry } from '@neverlose-toolkit/test-support/journal-entry';
import { spawnRedisServer, untilReplicaLinkUp } from '@neverlose-toolkit/test-support/redis-server';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { Redis } from 'ioredis';
import { MarketClient } from 'neverlose-market/client';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdJournal, RedisSingleUseTokenStore, RedisWebhookDedupStore } from '../src/market.js';
import { RedisSessionRevocationStore, RedisTransactionStore } from '../src/oidc.js';

// How the adapters fail when Redis does: each failure a coded error within its deadline, and
// nothing sent that the journal did not record.

/** A `redis-server` of this file's own, with extra options. */
const ownRedis = (...args: string[]) => spawnRedisServer({ args });

describe('a server that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(() => silent?.stop());

  it('ends every store call in ERR_REDIS_TIMEOUT within its deadline', async () => {
    // ioredis queues commands until its ready check is answered: here, never.
    const client = new Redis({ port: silent.port, host: '127.0.0.1', maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    const options = { timeoutMs: 300 };
    const started = performance.now();
    const outcomes = await Promise.allSettled([
      new RedisIdJournal(client, options).begin(entry('order-1', '"req-1"')),
      new RedisIdJournal(client, options).pending(),
      new RedisWebhookDedupStore(client, options).claim('purchase', 1, 60),
      new RedisSingleUseTokenStore(client, options).consume('a'.repeat(64), Date.now() / 1000 + 60),
      new RedisTransactionStore(client, options).take('binding'),
      new RedisSessionRevocationStore(client, options).revoke('session', Date.now() + 60_000),
      new RedisSessionRevocationStore(client, options).isRevoked('session', Date.now()),
    ]);
    const elapsed = performance.now() - started;
    client.disconnect();
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_REDIS_TIMEOUT' } });
    }
    expect(elapsed).toBeLessThan(300 + 1000);
  });
});

describe('a server that went away', () => {
  it('fails with ERR_REDIS_UNAVAILABLE, the client error as its cause', async () => {
    const redis = await ownRedis();
    const client = await createClient({ url: redis.url, disableOfflineQueue: true })
      .on('error', () => undefined)
      .connect();
    await redis.stop();
    await new Promise((resolve) => client.once('reconnecting', resolve));
    const error = await new RedisWebhookDedupStore(client)
      .claim('purchase', 2, 60)
      .catch((e: unknown) => e);
    client.destroy();
    expect(error).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE', cause: expect.any(Error) });
  });
});

describe('a server that refuses the credentials', () => {
  it('fails with ERR_REDIS_AUTH', async () => {
    const redis = await ownRedis('--requirepass', 'right');
    const client = await createClient({ url: redis.url })
      .on('error', () => undefined)
      .connect();
    const error = await new RedisWebhookDedupStore(client)
      .claim('purchase', 3, 60)
      .catch((e: unknown) => e);
    client.destroy();
    await redis.stop();
    expect(error).toMatchObject({ code: 'ERR_REDIS_AUTH' });
  });
});

describe('a read-only replica', () => {
  let primary: Awaited<ReturnType<typeof ownRedis>>;
  let replica: Awaited<ReturnType<typeof ownRedis>>;
  // The market API: it counts what it receives.
  let market: Server;
  const received: string[] = [];
  beforeAll(async () => {
    market = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(body);
        res.end('{"succ":true,"success":true}');
      });
    });
    await new Promise<void>((resolve) => market.listen(0, '127.0.0.1', resolve));
    primary = await ownRedis();
    replica = await ownRedis('--replicaof', '127.0.0.1', String(primary.port));
    // The replica has what its master acknowledged once the link is up.
    const admin = await createClient({ url: replica.url })
      .on('error', () => undefined)
      .connect();
    await untilReplicaLinkUp(() => admin.sendCommand(['INFO', 'replication']));
    admin.destroy();
  });
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
    await new Promise((resolve) => market?.close(resolve));
  });

  it('refuses begin() with ERR_REDIS_READ_ONLY', async () => {
    const client = await createClient({ url: replica.url })
      .on('error', () => undefined)
      .connect();
    const error = await new RedisIdJournal(client, { prefix: 'ro-1:' })
      .begin(entry('order-2', '"req-2"'))
      .catch((e: unknown) => e);
    client.destroy();
    expect(error).toMatchObject({ code: 'ERR_REDIS_READ_ONLY' });
  });

  it('refuses a sign-out with ERR_REDIS_READ_ONLY rather than report a revocation it did not keep', async () => {
    const client = await createClient({ url: replica.url })
      .on('error', () => undefined)
      .connect();
    const error = await new RedisSessionRevocationStore(client, { prefix: 'ro-3:' })
      .revoke('session', Date.now() + 60_000)
      .catch((e: unknown) => e);
    client.destroy();
    expect(error).toMatchObject({ code: 'ERR_REDIS_READ_ONLY' });
  });

  it('resumes nothing: a pending operation is not sent when its outcome cannot be recorded', async () => {
    const writer = await createClient({ url: primary.url })
      .on('error', () => undefined)
      .connect();
    await new RedisIdJournal(writer, { prefix: 'ro-2:' }).begin({
      key: 'order-3',
      requestId: '"resume-ro-3"',
      method: 'transfer-money',
      params: '{"username":"alice","amount":1.5}',
      fingerprint: 'f',
    });
    await writer.sendCommand(['WAIT', '1', '2000']);
    writer.destroy();
    const reader = await createClient({ url: replica.url })
      .on('error', () => undefined)
      .connect();
    const client = new MarketClient({
      userId: 10,
      secret: 'emulator-reseller-key',
      baseUrl: `http://127.0.0.1:${(market.address() as { port: number }).port}/api/market`,
      journal: new RedisIdJournal(reader, { prefix: 'ro-2:' }),
    });
    const reports = await client.resumePending();
    reader.destroy();
    expect(reports).toMatchObject([
      { key: 'order-3', status: 'still-pending', error: { code: 'ERR_REDIS_READ_ONLY' } },
    ]);
    expect(received).toEqual([]);
  });
});
