import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import { adminApi, emulatorProcess, emulatorRoutes } from './targets/emulator.js';

interface LedgerEntry {
  readonly userId: number | null;
  readonly requestId: string | null;
  readonly method: string;
}

let emulator: Supervised;
let routes: Awaited<ReturnType<typeof emulatorRoutes>>;

beforeAll(async () => {
  emulator = await Supervised.start(emulatorProcess());
  routes = await emulatorRoutes(emulator.url);
});
afterAll(() => emulator?.stop());

describe('hostile input against neverlose-emulator (CLI process)', () => {
  it('answers every reading route below 500 and stays up', async () => {
    expect(await attack(emulator, routes.reads)).toEqual([]);
    expect(emulator.exits).toEqual([]);
  });

  it('answers every money-moving route below 500, and applies each request id once', async () => {
    expect(await attack(emulator, routes.writes)).toEqual([]);
    expect(emulator.exits).toEqual([]);

    const ledger = (await adminApi(emulator.url, 'GET', '/ledger')) as LedgerEntry[];
    const ids = ledger
      .filter((entry) => entry.requestId !== null)
      .map((entry) => `${entry.userId}/${entry.requestId}`);
    expect(ids.filter((id) => id === '10/hostile-1')).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers the routes that reseed or reset the world below 500 and stays up', async () => {
    expect(await attack(emulator, routes.resets)).toEqual([]);
    expect(emulator.exits).toEqual([]);
  });
});
