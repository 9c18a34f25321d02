import {
  fetchToEmulator,
  transferWebhookSignedBy,
} from '@neverlose-toolkit/test-support/market-api';
import { spawnRedisServer } from '@neverlose-toolkit/test-support/redis-server';
import type { Cluster } from 'ioredis';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import type { MarketClient } from 'neverlose-market/client';
import type { AcceptedResellerOrder } from 'neverlose-market/reseller';
import { signPayload } from 'neverlose-market/signing';
import type { WebhookDedupStore } from 'neverlose-market/webhooks';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The README's wiring (snippets/wiring.ts) and Redis Cluster snippet (snippets/cluster.ts) run as
// written, against neverlose-emulator (the market API's address rewritten to it): the wiring on a
// Redis of its own, through a restart of its connections.

const API_KEY = 'emulator-reseller-key';
const transferWebhook = transferWebhookSignedBy(signPayload);

let emulator: RunningEmulator;
let redis: Awaited<ReturnType<typeof spawnRedisServer>>;
beforeAll(async () => {
  [emulator, redis] = await Promise.all([startEmulator({ port: 0 }), spawnRedisServer()]);
  vi.stubEnv('NEVERLOSE_USER_ID', '10');
  vi.stubEnv('NEVERLOSE_API_KEY', API_KEY);
  vi.stubEnv('REDIS_URL', redis.url);
  vi.stubGlobal('fetch', fetchToEmulator(emulator.url));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await emulator?.stop();
  await redis?.stop();
});

describe('the neverlose-redis README wiring, as written', () => {
  let snippet: {
    redis: ReturnType<typeof createClient>;
    market: MarketClient;
    webhooks: (request: Request) => Promise<Response>;
    checkout: (token: string) => Promise<AcceptedResellerOrder>;
  };
  beforeAll(async () => {
    snippet = (await import('../snippets/wiring.js')) as unknown as typeof snippet;
  });
  afterAll(() => snippet?.redis.destroy());

  it('pays an order once, handles a webhook once and spends a checkout token once', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const order = { key: 'order-1', username: 'alice', amount: 1 } as const;
    const paid = await snippet.market.transferMoney(order);
    expect(paid.status).toBe('completed');
    expect(await snippet.market.transferMoney(order)).toMatchObject({
      fromJournal: true,
      id: paid.id,
    });
    expect(await (await snippet.webhooks(transferWebhook(7, API_KEY))).json()).toEqual({
      ok: true,
    });
    expect(await (await snippet.webhooks(transferWebhook(7, API_KEY))).json()).toMatchObject({
      duplicate: true,
    });
    const { token } = await emulator.checkout({
      login: 'reseller',
      integrationId: 100,
      product: 'csgo',
      cnt: 0,
    });
    const first = await snippet.checkout(token);
    expect(first).toMatchObject({ resumed: false, order: { type: 'product' } });
    // A retry of the same checkout (its delivery failed, a reload) resumes the order.
    await expect(snippet.checkout(token)).resolves.toEqual({ ...first, resumed: true });
    vi.mocked(console.log).mockRestore();
  });

  it('lives through Redis ending its connections (a restart): the error is logged, the next call works', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const admin = await createClient({ url: redis.url })
      .on('error', () => undefined)
      .connect();
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
    admin.destroy();
    await vi.waitFor(() =>
      expect(logged).toHaveBeenCalledWith('Redis connection lost:', expect.any(String)),
    );
    logged.mockRestore();
    const paid = await snippet.market.transferMoney({
      key: 'order-2',
      username: 'alice',
      amount: 1,
    });
    expect(paid.status).toBe('completed');
  });
});

describe('the neverlose-redis README connect snippet, as written', () => {
  it('connects to REDIS_URL, and logs a later connection error', async () => {
    vi.resetModules();
    const { redis: client } = (await import('../snippets/connect.js')) as unknown as {
      redis: ReturnType<typeof createClient>;
    };
    try {
      expect(await client.ping()).toBe('PONG');
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      client.emit('error', new Error('connection reset'));
      expect(logged).toHaveBeenCalledWith('Redis connection lost:', new Error('connection reset'));
      logged.mockRestore();
    } finally {
      client.destroy();
    }
  });

  it('fails at once with ERR_REDIS_AUTH on refused credentials', async () => {
    const guarded = await spawnRedisServer({ args: ['--requirepass', 'right'] });
    vi.stubEnv('REDIS_URL', `redis://:wrong@${new URL(guarded.url).host}`);
    try {
      vi.resetModules();
      await expect(import('../snippets/connect.js')).rejects.toMatchObject({
        code: 'ERR_REDIS_AUTH',
        message: expect.stringContaining('WRONGPASS'),
      });
    } finally {
      vi.stubEnv('REDIS_URL', redis.url);
      await guarded.stop();
    }
  });
});

describe('the neverlose-redis README Redis Cluster snippet, as written', () => {
  it('dedups on the cluster, and refuses money (sending nothing) while a master has no replica', async () => {
    vi.stubEnv('REDIS_CLUSTER_NODES', process.env['REDIS_CLUSTER_NODES']!);
    const { cluster, webhookDedup, market } = (await import(
      '../snippets/cluster.js'
    )) as unknown as {
      cluster: Cluster;
      webhookDedup: WebhookDedupStore;
      market: MarketClient;
    };
    try {
      const id = Date.now();
      expect(await webhookDedup.claim('purchase', id, 60)).toBe('claimed');
      expect(await webhookDedup.claim('purchase', id, 60)).toBe('processing');
      const sent = emulator.calls.length;
      // The run's cluster has no replicas: waitForReplicas: 1 cannot be met.
      await expect(
        market.transferMoney({ key: `order-${id}`, username: 'alice', amount: 1 }),
      ).rejects.toMatchObject({ code: 'ERR_REDIS_NOT_REPLICATED' });
      expect(emulator.calls.length).toBe(sent);
    } finally {
      cluster.disconnect();
    }
  });
});
