import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import {
  deployments,
  spawnRedisServer,
  type TestRedis,
} from '@neverlose-toolkit/test-support/redis-server';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { signPayload } from 'neverlose-market/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';

const API_KEY = 'emulator-reseller-key';
const EVENTS = 40;
const DELIVERIES_PER_EVENT = 3;

let emulator: RunningEmulator;
let dir: string;
const ADMIN_TOKEN = 'multi-instance-admin-token';
const ADMIN_AUTHORIZATION = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;

/** One reseller-shop process, as a deployment would run it. */
async function startShop(
  redis: TestRedis,
  prefix: string,
  name: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'examples/reseller-shop/dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NEVERLOSE_USER_ID: '10',
      NEVERLOSE_API_KEY: API_KEY,
      NEVERLOSE_INTEGRATION_ID: '100',
      NEVERLOSE_MARKET_URL: `${emulator.url}/api/market`,
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      // This test is about Redis: a DATABASE_URL from CI would take precedence.
      DATABASE_URL: '',
      JOURNAL_PATH: join(dir, `${name}.sqlite`),
      SHOP_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`shop ${name} exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** A webhook as the provider sends it: amount signed as a Python float, `kind` not signed. */
function providerWebhook(kind: 'transfer' | 'purchase', uniqueId: number): string {
  const item = kind === 'purchase' ? ', "item_id": "E3yugw"' : '';
  const signature = signPayload(
    `{"amount": 2.0, "username": "alice", "unique_id": ${uniqueId}${item}}`,
    API_KEY,
  );
  return `{"kind": "${kind}", "amount": 2, "username": "alice", "unique_id": ${uniqueId}${item}, "signature": "${signature}"}`;
}

/** Delivers until answered 200, retrying on 503 (another delivery in progress) as the provider does. */
async function deliver(url: string, body: string): Promise<number[]> {
  const statuses: number[] = [];
  for (;;) {
    const response = await fetch(`${url}/webhooks/neverlose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    statuses.push(response.status);
    await response.arrayBuffer();
    if (response.status !== 503) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'neverlose-two-shops-'));
});

afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(deployments)('two reseller-shop processes sharing $name', ({ start }) => {
  let redis: TestRedis;
  const shops: { url: string; child: ChildProcess }[] = [];
  beforeAll(async () => {
    redis = await start();
    const prefix = `two-shops-${randomUUID()}:`;
    shops.push(
      await startShop(redis, prefix, `${redis.kind}-a`),
      await startShop(redis, prefix, `${redis.kind}-b`),
    );
  });
  afterAll(async () => {
    for (const shop of shops) shop.child.kill();
    await redis?.stop();
  });

  it('runs each webhook handler once per unique_id, however duplicate deliveries are spread', async () => {
    const deliveries: { shop: number; body: string; event: string }[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const kind = i % 2 === 0 ? 'purchase' : 'transfer';
      const body = providerWebhook(kind, 5000 + i);
      for (let d = 0; d < DELIVERIES_PER_EVENT; d++)
        deliveries.push({ shop: (i + d) % 2, body, event: `${kind}:${5000 + i}` });
    }
    // All at once, so duplicates race each other on the two instances.
    const results = await Promise.all(deliveries.map((d) => deliver(shops[d.shop]!.url, d.body)));
    for (const statuses of results) expect(statuses.at(-1)).toBe(200);

    for (const shop of shops) {
      const page = await (
        await fetch(`${shop.url}/webhooks`, { headers: { authorization: ADMIN_AUTHORIZATION } })
      ).text();
      const rows = [...page.matchAll(/data-kind="(\w+)" data-unique-id="(\d+)"/g)].map(
        (m) => `${m[1]}:${m[2]}`,
      );
      expect(rows).toHaveLength(EVENTS);
      expect(new Set(rows).size).toBe(EVENTS);
    }
  });
});

describe('two reseller-shop processes on one Redis that restarts mid-run', () => {
  let port: number;
  let redisDir: string;
  let redis: Awaited<ReturnType<typeof spawnRedisServer>> | undefined;
  const shops: { url: string; child: ChildProcess }[] = [];

  /** Redis with every write fsynced (appendfsync always), on the same port and files each time. */
  async function startRedisServer(): Promise<void> {
    redis = await spawnRedisServer({
      port,
      dir: redisDir,
      args: ['--appendonly', 'yes', '--appendfsync', 'always'],
    });
  }

  beforeAll(async () => {
    port = await freePort();
    redisDir = mkdtempSync(join(tmpdir(), 'neverlose-redis-restart-'));
    await startRedisServer();
    const url = { kind: 'single', url: `redis://127.0.0.1:${port}` } as TestRedis;
    shops.push(
      await startShop(url, 'restart:', 'restart-a'),
      await startShop(url, 'restart:', 'restart-b'),
    );
  });
  afterAll(async () => {
    for (const shop of shops) shop.child.kill();
    await redis?.stop();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('keeps both shops up, answers 503 with a code and Retry-After while Redis is down, and records each event once', async () => {
    const exits: string[] = [];
    for (const [n, shop] of shops.entries())
      shop.child.once('exit', (code) => exits.push(`shop ${n} exited (${code})`));
    const event = (i: number) => providerWebhook(i % 2 === 0 ? 'purchase' : 'transfer', 9000 + i);
    const post = (shop: number, body: string) =>
      fetch(`${shops[shop]!.url}/webhooks/neverlose`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });

    // Before: handled.
    for (let i = 0; i < 10; i++) expect((await post(i % 2, event(i))).status).toBe(200);

    // Redis stops; deliveries keep coming, to both shops.
    await redis!.stop();
    const whileDown = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const response = await post(i % 2, event(10 + i));
        const body = (await response.json()) as { error?: string };
        return `${response.status} ${body.error} ${response.headers.get('retry-after')}`;
      }),
    );
    expect(new Set(whileDown)).toEqual(new Set(['503 ERR_WEBHOOK_DEDUP_UNAVAILABLE 5']));

    // Back: every event is delivered again (the provider retries), and each is recorded once.
    await startRedisServer();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deliver(shops[(i + 1) % 2]!.url, event(i))),
    );
    for (const statuses of results) expect(statuses.at(-1)).toBe(200);
    expect(exits).toEqual([]);
    const page = await (
      await fetch(`${shops[0]!.url}/webhooks`, { headers: { authorization: ADMIN_AUTHORIZATION } })
    ).text();
    const rows = [...page.matchAll(/data-kind="(\w+)" data-unique-id="(\d+)"/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(rows.filter((row) => Number(row.split(':')[1]) >= 9000)).toHaveLength(20);
    expect(new Set(rows).size).toBe(rows.length);
  });
});
