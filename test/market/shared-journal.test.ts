import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { type FetchLike, MarketClient } from 'neverlose-market/client';
import { openSqliteIdJournal } from 'neverlose-market/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'nl-shared-journal-'));
});
afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('two instances sharing one journal', () => {
  it('reports already-completed, not a collision, when the other instance applied our id first', async () => {
    const file = join(dir, 'journal.db');
    const [journalA, journalB] = [await openSqliteIdJournal(file), await openSqliteIdJournal(file)];
    const aSent = deferred();
    const bApplied = deferred();
    // A's request is held on its way until B's request, for the same key, has been applied.
    const heldFetch: FetchLike = async (url, init) => {
      aSent.resolve();
      await bApplied.promise;
      return fetch(url, init);
    };
    const appliedFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      bApplied.resolve();
      return response;
    };
    const options = {
      userId: 10,
      secret: 'emulator-reseller-key',
      baseUrl: `${emulator.url}/api/market`,
    };
    const a = new MarketClient({ ...options, journal: journalA, fetch: heldFetch });
    const b = new MarketClient({ ...options, journal: journalB, fetch: appliedFetch });
    const order = { key: 'order-shared', username: 'alice', product: 'csgo', days: 30 } as const;

    const fromA = a.giftProduct(order);
    await aSent.promise;
    const fromB = await b.giftProduct(order);
    expect(fromB).toMatchObject({ status: 'completed', fromJournal: false });
    await expect(fromA).resolves.toMatchObject({
      status: 'already-completed',
      id: fromB.id,
      attempts: 1,
    });

    const applied = emulator.ledger().filter((entry) => entry.requestId === String(fromB.id));
    expect(applied).toHaveLength(1);
    expect(journalA.get({ method: 'gift-product', key: 'order-shared' })).toMatchObject({
      state: 'completed',
    });
    expect(journalA.pending()).toEqual([]);
    journalA.close();
    journalB.close();
  });
});
