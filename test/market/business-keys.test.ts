import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { keyRequestId, MarketClient } from 'neverlose-market/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RESELLER = { userId: 10, secret: 'emulator-reseller-key' } as const;
const bin = join(
  dirname(createRequire(import.meta.url).resolve('neverlose-market/package.json')),
  'bin/nl-market.js',
);

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator?.stop();
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
    const before = emulator.state.userByLogin('alice')?.balanceCents ?? 0;
    const first = await client().transferMoney({ key: 'order-X', username: 'alice', amount: 2 });
    const second = await client().transferMoney({ key: 'order-X', username: 'alice', amount: 2 });
    expect(first).toMatchObject({ status: 'completed', key: 'order-X' });
    expect(second).toMatchObject({ status: 'already-completed', key: 'order-X', id: first.id });
    expect(applied(String(first.id))).toHaveLength(1);
    expect(emulator.state.userByLogin('alice')?.balanceCents).toBe(before + 200);
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
