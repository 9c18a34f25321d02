import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSingleUseTokenStore } from '../src/market.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const NOW = 1_700_000_000_000;

// What is specific to PostgreSQL; what every token store keeps is in contract.test.ts.
describe('PostgresSingleUseTokenStore', () => {
  it('remembers a spent token past its last accepted instant, plus clock skew, then forgets it', async () => {
    let clock = NOW;
    const tables = await db.tables();
    const store = new PostgresSingleUseTokenStore(db.pool(), { ...tables, now: () => clock });
    const expiresAt = NOW / 1000 + 60;
    expect(await store.consume('c'.repeat(64), expiresAt)).toBe(true);
    clock = (expiresAt + 299) * 1000;
    expect(await store.sweep()).toBe(0);
    expect(await store.consume('c'.repeat(64), expiresAt)).toBe(false);
    clock = (expiresAt + 300) * 1000;
    expect(await store.sweep()).toBe(1);
  });

  it('names the argument that breaks its rule', async () => {
    const store = new PostgresSingleUseTokenStore(db.pool(), await db.tables());
    await expect(store.consume('', 1)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"tokenId"'),
    });
    await expect(store.consume('x', Number.POSITIVE_INFINITY)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"expiresAt"'),
    });
  });
});
