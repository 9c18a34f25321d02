import { once } from 'node:events';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import {
  spawnRedisServer,
  startRedis,
  startRedisCluster,
} from '@neverlose-toolkit/test-support/redis-server';
import { startSilentServer } from '@neverlose-toolkit/test-support/silent-server';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../src/index.js';

// connectRedis on both client families, single and cluster: connected, or closed and a coded error
// naming the last attempt within the deadline; never an unhandled 'error' event.

let single: Awaited<ReturnType<typeof startRedis>>;
let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
let silent: Awaited<ReturnType<typeof startSilentServer>>;
let guarded: Awaited<ReturnType<typeof spawnRedisServer>>;
let closedPort: number;

beforeAll(async () => {
  [single, cluster, silent, guarded, closedPort] = await Promise.all([
    startRedis(),
    startRedisCluster(),
    startSilentServer(),
    spawnRedisServer({ args: ['--requirepass', 'right'] }),
    freePort(),
  ]);
});
afterAll(async () => {
  await Promise.all([single?.stop(), cluster?.stop(), silent?.stop(), guarded?.stop()]);
});

/** `host:port` of a node, with a password for `redis://` URLs. */
interface Target {
  readonly nodes: readonly string[];
  readonly password?: string;
}

type AnyClient =
  | ReturnType<typeof createClient>
  | ReturnType<typeof createCluster>
  | Redis
  | Cluster;

const families: {
  name: string;
  cluster: boolean;
  make: (target: Target) => AnyClient;
  /** What the client says of a refused connection to `port`. */
  refused: (port: number) => string;
  isClosed: (client: AnyClient) => Promise<boolean>;
}[] = [
  {
    name: 'node-redis createClient()',
    cluster: false,
    make: ({ nodes, password }) =>
      createClient({ url: `redis://${password ? `:${password}@` : ''}${nodes[0]}` }),
    refused: (port) => `connect ECONNREFUSED 127.0.0.1:${port}`,
    isClosed: async (client) => !(client as ReturnType<typeof createClient>).isOpen,
  },
  {
    name: 'node-redis createCluster()',
    cluster: true,
    make: ({ nodes, password }) =>
      createCluster({
        rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
        defaults: password ? { password } : {},
      }),
    refused: (port) => `connect ECONNREFUSED 127.0.0.1:${port}`,
    isClosed: async (client) => !(client as ReturnType<typeof createCluster>).isOpen,
  },
  {
    name: 'ioredis Redis (lazyConnect)',
    cluster: false,
    make: ({ nodes, password }) => {
      const [host, port] = nodes[0]!.split(':');
      return new Redis({
        host: host!,
        port: Number(port),
        lazyConnect: true,
        ...(password ? { password } : {}),
      });
    },
    refused: (port) => `connect ECONNREFUSED 127.0.0.1:${port}`,
    isClosed: ioredisClosed,
  },
  {
    name: 'ioredis Cluster (lazyConnect)',
    cluster: true,
    make: ({ nodes, password }) =>
      new Cluster(
        nodes.map((node) => {
          const [host, port] = node.split(':');
          return { host: host!, port: Number(port) };
        }),
        { lazyConnect: true, ...(password ? { redisOptions: { password } } : {}) },
      ),
    // Its nodes' errors reach it as what followed them.
    refused: () => 'Connection is closed.',
    isClosed: ioredisClosed,
  },
];

/**
 * Closed: status `'end'`. Closed between two attempts, an ioredis client keeps the status it had
 * (`'reconnecting'`, or `'disconnecting'` for a `Cluster`) with no attempt scheduled: nothing of
 * it holds the process.
 */
async function ioredisClosed(client: AnyClient): Promise<boolean> {
  const io = client as Redis | Cluster;
  if (io.status === 'reconnecting' || io.status === 'disconnecting') {
    return (client as unknown as { reconnectTimeout?: unknown }).reconnectTimeout == null;
  }
  if (io.status !== 'end') await once(io, 'end');
  return io.status === 'end';
}

/** Runs `connectRedis` and returns what it threw, with how long it took. */
async function failure(client: AnyClient, timeoutMs: number) {
  const started = performance.now();
  const error = await connectRedis(client, { timeoutMs }).then(
    () => {
      throw new Error('connectRedis connected to a Redis that cannot be reached');
    },
    (e: unknown) => e as Error & { code: string; cause?: unknown },
  );
  return { error, elapsed: performance.now() - started };
}

describe.each(families)(
  'connectRedis with $name',
  ({ cluster: isCluster, make, refused, isClosed }) => {
    const live = (): Target => ({
      nodes: isCluster ? cluster.nodes.split(',') : [new URL(single.url).host],
    });

    it('connects the client and returns it, with onError as its only error listener', async () => {
      const client = make(live());
      const seen: unknown[] = [];
      const onError = (error: unknown) => seen.push(error);
      const connected = await connectRedis(client, { timeoutMs: 5_000, onError });
      try {
        expect(connected).toBe(client);
        const key = `${single.prefix()}{k}`;
        const io = client as Partial<Redis>;
        if (typeof io.call === 'function') {
          expect(await io.call('SET', key, 'v')).toBe('OK');
        } else {
          expect(await (client as ReturnType<typeof createClient>).set(key, 'v')).toBe('OK');
        }
        expect(client.listeners('error')).toEqual([onError]);
        client.emit('error', new Error('a later failure'));
        expect(seen).toEqual([new Error('a later failure')]);
      } finally {
        if (client instanceof Redis || client instanceof Cluster) await client.quit();
        else await client.close();
      }
    });

    it('fails with ERR_REDIS_UNAVAILABLE naming the refused attempt within the deadline, and closes the client', async () => {
      const client = make({ nodes: [`127.0.0.1:${closedPort}`] });
      const { error, elapsed } = await failure(client, 300);
      expect(error).toMatchObject({ name: 'NeverloseRedisError', code: 'ERR_REDIS_UNAVAILABLE' });
      expect(error.message).toContain('within 300 ms');
      expect(error.message).toContain(`the last attempt failed: ${refused(closedPort)}`);
      expect((error.cause as Error).message).toContain(refused(closedPort));
      expect(elapsed).toBeLessThan(300 + 1_000);
      expect(await isClosed(client)).toBe(true);
      // A late 'error' of the closed client is still kept: it cannot end the process.
      expect(() => client.emit('error', new Error('late'))).not.toThrow();
    });

    it('fails with ERR_REDIS_UNAVAILABLE within the deadline on a server that never answers, and closes the client', async () => {
      const client = make({ nodes: [`127.0.0.1:${silent.port}`] });
      const { error, elapsed } = await failure(client, 300);
      expect(error).toMatchObject({ name: 'NeverloseRedisError', code: 'ERR_REDIS_UNAVAILABLE' });
      expect(error.message).toContain('within 300 ms');
      expect(elapsed).toBeLessThan(300 + 1_000);
      expect(await isClosed(client)).toBe(true);
    });

    it('fails with ERR_REDIS_AUTH at the first refusal of the credentials, and closes the client', async () => {
      const client = make({ nodes: [new URL(guarded.url).host], password: 'wrong' });
      const { error, elapsed } = await failure(client, 5_000);
      expect(error).toMatchObject({ name: 'NeverloseRedisError', code: 'ERR_REDIS_AUTH' });
      expect(error.message).toContain('WRONGPASS');
      expect(elapsed).toBeLessThan(2_000);
      expect(await isClosed(client)).toBe(true);
    });
  },
);

describe('connectRedis with a Redis that starts late', () => {
  it.each([
    [
      'node-redis createClient()',
      (port: number) => createClient({ url: `redis://127.0.0.1:${port}` }),
    ],
    [
      'ioredis Redis (lazyConnect)',
      (port: number) => new Redis({ host: '127.0.0.1', port, lazyConnect: true }),
    ],
  ] as const)('retries %s until it answers within the deadline', async (_name, make) => {
    const port = await freePort();
    const client = make(port);
    const connecting = connectRedis(client, { timeoutMs: 10_000 });
    const redis = await spawnRedisServer({ port });
    try {
      await connecting;
      expect(await (client as Redis).ping()).toBe('PONG');
    } finally {
      if (client instanceof Redis) await client.quit();
      else await client.close();
      await redis.stop();
    }
  });
});

describe('connectRedis options', () => {
  it.each([0, -1, 1.5, Number.NaN, '100'])('refuses timeoutMs %s', async (timeoutMs) => {
    const client = createClient({ url: single.url });
    await expect(connectRedis(client, { timeoutMs: timeoutMs as number })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: 'Invalid option "timeoutMs": must be a positive integer of milliseconds.',
    });
    expect(client.isOpen).toBe(false);
  });

  it('refuses an onError that is not a function', async () => {
    await expect(
      connectRedis(createClient({ url: single.url }), { onError: 'log' as never }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: 'Invalid option "onError": must be a function.',
    });
  });

  it('refuses what is not a client', async () => {
    await expect(connectRedis({} as never)).rejects.toMatchObject({
      code: 'ERR_REDIS_UNSUPPORTED_CLIENT',
    });
  });
});
