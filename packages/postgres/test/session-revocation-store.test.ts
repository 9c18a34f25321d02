import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionRevocationStore } from '../src/oidc.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const NOW = 1_700_000_000_000;

// What is specific to PostgreSQL; what every revocation store keeps is in contract.test.ts.
describe('PostgresSessionRevocationStore', () => {
  it('refuses a session until five minutes after it expires (clock skew), then deletes the row', async () => {
    let clock = NOW;
    const tables = await db.tables();
    const store = new PostgresSessionRevocationStore(db.pool(), { ...tables, now: () => clock });
    await store.revoke('session-1', NOW + 60_000);
    clock = NOW + 60_000 + 299_999;
    expect(await store.isRevoked('session-1', NOW)).toBe(true);
    expect(await store.sweep()).toBe(0);
    clock = NOW + 60_000 + 300_000;
    expect(await store.isRevoked('session-1', NOW)).toBe(false);
    expect(await store.sweep()).toBe(1);
  });

  it('says to migrate when its table does not exist', async () => {
    const store = new PostgresSessionRevocationStore(db.pool(), {
      tablePrefix: 'never_migrated_',
    });
    await expect(store.isRevoked('s', NOW)).rejects.toMatchObject({
      code: 'ERR_POSTGRES_NOT_MIGRATED',
    });
  });

  it('refuses a server that acknowledges commits it may lose: a lost sign-out reopens a session', async () => {
    const tables = await db.tables();
    const careless = db.pool({ options: '-c synchronous_commit=off' });
    await expect(
      new PostgresSessionRevocationStore(careless, tables).revoke('s', Date.now() + 60_000),
    ).rejects.toMatchObject({ code: 'ERR_POSTGRES_NOT_DURABLE' });
  });

  it('names the argument that breaks its rule', async () => {
    const store = new PostgresSessionRevocationStore(db.pool(), await db.tables());
    for (const id of ['', 'a\0b', 'x'.repeat(513)]) {
      await expect(store.revoke(id, NOW)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining('"id"'),
      });
    }
    await expect(store.isRevoked('', NOW)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(store.revoke('s', Number.NaN)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"expiresAt"'),
    });
  });
});
