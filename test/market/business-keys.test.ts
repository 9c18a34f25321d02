import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startPostgres, type TestPostgres } from '@neverlose-toolkit/test-support/postgres-server';
import { startRedis, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { keyRequestId, MarketClient } from 'neverlose-market/client';
import { type IdJournal, MemoryIdJournal } from 'neverlose-market/journal';
import { openSqliteIdJournal } from 'neverlose-market/sqlite';
import { migrate } from 'neverlose-postgres';
import { PostgresIdJournal } from 'neverlose-postgres/market';
import { RedisIdJournal } from 'neverlose-redis/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RESELLER = { userId: 10, secret: 'emulator-reseller-key' } as const;
const bin = join(
  dirname(createRequire(import.meta.url).resolve('neverlose-market/package.json')),
  'bin/nl-market.js',
);

let emulator: RunningEmulator;
let redis: TestRedis;
let postgres: TestPostgres;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nl-business-keys-'));
  [emulator, redis, postgres] = await Promise.all([
    startEmulator({ port: 0 }),
    startRedis(),
    startPostgres(migrate),
  ]);
});
afterAll(async () => {
  await Promise.all([emulator?.stop(), redis?.stop(), postgres?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = () => new MarketClient({ ...RESELLER, baseUrl: `${emulator.url}/api/market` });
const applied = (requestId: string) =>
  emulator.ledger().filter((entry) => entry.userId === 10 && entry.requestId === requestId);

/** Runs the CLI as a user would, against the emulator; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      NEVERLOSE_USER_ID: String(RESELLER.userId),
      NEVERLOSE_API_KEY: RESELLER.secret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a business key without a journal, against the emulator', () => {
  it('moves money once for two transferMoney calls with the same key; the second is already-completed', async () => {
    const before = emulator.world.userByLogin('alice')?.balanceCents ?? 0;
    const first = await client().transferMoney({ key: 'order-X', username: 'alice', amount: 2 });
    const second = await client().transferMoney({ key: 'order-X', username: 'alice', amount: 2 });
    expect(first).toMatchObject({ status: 'completed', key: 'order-X' });
    expect(second).toMatchObject({ status: 'already-completed', key: 'order-X', id: first.id });
    expect(applied(String(first.id))).toHaveLength(1);
    expect(emulator.world.userByLogin('alice')?.balanceCents).toBe(before + 200);
  });

  it('gifts once for two giftProduct calls with the same key', async () => {
    const first = await client().giftProduct({
      key: 'order-G',
      username: 'bob',
      product: 'csgo',
      days: 30,
    });
    const second = await client().giftProduct({
      key: 'order-G',
      username: 'bob',
      product: 'csgo',
      days: 30,
    });
    expect([first.status, second.status]).toEqual(['completed', 'already-completed']);
    expect(applied(keyRequestId('gift-product', 'order-G'))).toHaveLength(1);
  });

  it('moves money once for two nl-market call runs with the same --key and no --journal', async () => {
    const args = [
      'call',
      'transfer-money',
      '--username',
      'charlie',
      '--amount',
      '1.5',
      '--key',
      'order-cli',
      '--base-url',
      `${emulator.url}/api/market`,
      '--json',
    ];
    const first = await cli(args);
    const second = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'completed' });
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'already-completed' });
    expect(applied(keyRequestId('transfer-money', 'order-cli'))).toHaveLength(1);
  });
});

/** Every journal, and none: a business key must mean the same with each. */
const journals: readonly [string, () => Promise<IdJournal | undefined>][] = [
  ['no journal', async () => undefined],
  ['MemoryIdJournal', async () => new MemoryIdJournal()],
  ['the SQLite journal', () => openSqliteIdJournal(join(dir, `journal-${Date.now()}.db`))],
  [
    'RedisIdJournal',
    async () => new RedisIdJournal(await redis.connect(), { prefix: redis.prefix() }),
  ],
  [
    'PostgresIdJournal',
    async () => new PostgresIdJournal(postgres.pool(), await postgres.tables()),
  ],
];

describe.each(journals)('one order, one key, two operations, with %s', (name, open) => {
  it('transfers and gifts once each under the same key, and a repeat of either applies nothing', async () => {
    const journal = await open();
    const client = new MarketClient({
      ...RESELLER,
      baseUrl: `${emulator.url}/api/market`,
      journal,
    });
    const key = `order-two-ops-${name.replaceAll(' ', '-')}`;
    const transfer = { key, username: 'alice', amount: 1 } as const;
    const gift = { key, username: 'bob', product: 'csgo', days: 30 } as const;

    const paid = await client.transferMoney(transfer);
    const gifted = await client.giftProduct(gift);
    const paidAgain = await client.transferMoney(transfer);
    const giftedAgain = await client.giftProduct(gift);

    expect([paid.status, gifted.status]).toEqual(['completed', 'completed']);
    expect([paid.id, gifted.id]).toEqual([
      keyRequestId('transfer-money', key),
      keyRequestId('gift-product', key),
    ]);
    // Without a journal the provider refuses the repeat ("Invalid id."); with one, the journal
    // answers it. Either way: the same id, nothing applied again.
    for (const [again, first] of [
      [paidAgain, paid],
      [giftedAgain, gifted],
    ] as const) {
      expect(again.id).toBe(first.id);
      expect(again.status).toBe(journal === undefined ? 'already-completed' : 'completed');
    }
    expect(applied(String(paid.id))).toHaveLength(1);
    expect(applied(String(gifted.id))).toHaveLength(1);
    await journal?.close?.();
  });
});

describe('one order, one --key, two operations, with nl-market call', () => {
  it.each([
    ['without --journal', []],
    ['with --journal', ['--journal', 'JOURNAL']],
  ])('transfers and gifts once each %s', async (how, journalArgs) => {
    const key = `order-cli-two-ops-${how.replaceAll(' ', '-')}`;
    const extra = journalArgs.map((arg) => (arg === 'JOURNAL' ? join(dir, `cli-${key}.db`) : arg));
    const base = ['--key', key, '--base-url', `${emulator.url}/api/market`, '--json', ...extra];
    const transfer = ['call', 'transfer-money', '--username', 'charlie', '--amount', '1', ...base];
    const gift = [
      'call',
      'gift-product',
      '--username',
      'bob',
      '--product',
      'csgo',
      '--days',
      '30',
      ...base,
    ];
    for (const args of [transfer, gift]) {
      const run = await cli(args);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed' });
    }
    const again = await cli(transfer);
    expect(again.code, again.stderr).toBe(0);
    expect(applied(keyRequestId('transfer-money', key))).toHaveLength(1);
    expect(applied(keyRequestId('gift-product', key))).toHaveLength(1);
  });
});

describe('amounts the emulator verifies strictly from the raw body', () => {
  it('accepts an integral amount sent and signed as 2.0', async () => {
    const result = await client().transferMoney({ username: 'bob', amount: 2, id: 'float-2' });
    expect(result.status).toBe('completed');
    const [entry] = applied('float-2');
    expect(entry?.params).toMatchObject({ amount: 2 });
    const logged = emulator.calls.find((call) => call.requestId === 'float-2');
    expect(logged?.requestBody).toContain('"amount":2.0,');
  });
});
