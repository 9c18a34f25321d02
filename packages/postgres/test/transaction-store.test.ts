import type { AuthorizationTransaction } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresTransactionStore } from '../src/oidc.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const tx = (state: string): AuthorizationTransaction => ({
  v: 1,
  state,
  nonce: `n-${state}`,
  codeVerifier: `v-${state}`,
  issuer: 'https://neverlose.test',
  clientId: 'client',
  redirectUri: 'https://app.test/cb',
  scope: 'openid profile',
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_000_600_000,
});

describe('PostgresTransactionStore', () => {
  it('gives a transaction back once: a replayed callback finds nothing', async () => {
    const store = new PostgresTransactionStore(db.pool(), await db.tables());
    await store.set('s1', tx('s1'), 60_000);
    expect(await store.take('s1')).toEqual(tx('s1'));
    expect(await store.take('s1')).toBeUndefined();
  });

  it('hands a transaction to exactly one of many concurrent callbacks across instances', async () => {
    const tables = await db.tables();
    const stores = [0, 1].map(() => new PostgresTransactionStore(db.pool(), tables));
    await stores[0]!.set('s2', tx('s2'), 60_000);
    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.take('s2')),
    );
    expect(taken.filter((t) => t !== undefined)).toHaveLength(1);
  });

  it('answers nothing for an expired transaction, and deletes it', async () => {
    let clock = 1_700_000_000_000;
    const store = new PostgresTransactionStore(db.pool(), {
      ...(await db.tables()),
      now: () => clock,
    });
    await store.set('s3', tx('s3'), 60_000);
    clock += 60_000;
    expect(await store.take('s3')).toBeUndefined();
    clock -= 1;
    expect(await store.take('s3')).toBeUndefined();
  });

  it('stays bounded: a sweep keeps the newest maxEntries and drops expired ones', async () => {
    let clock = 1_700_000_000_000;
    const tables = await db.tables();
    const store = new PostgresTransactionStore(db.pool(), {
      ...tables,
      now: () => clock,
      maxEntries: 3,
      sweepEvery: 1000,
    });
    await store.set('old', tx('old'), 10);
    for (const state of ['a', 'b', 'c', 'd', 'e']) {
      clock += 1;
      await store.set(state, tx(state), 60_000);
    }
    expect(await store.sweep()).toBe(3);
    const { rows } = await db.query(
      `SELECT state FROM "public"."${tables.tablePrefix}oidc_transactions" ORDER BY state`,
    );
    expect(rows.map((row) => row.state)).toEqual(['c', 'd', 'e']);
  });

  it('refuses an invalid state, ttl or maxEntries, naming it', async () => {
    const store = new PostgresTransactionStore(db.pool(), await db.tables());
    await expect(store.set('', tx(''), 1000)).rejects.toMatchObject({
      code: 'ERR_POSTGRES_INVALID_ARGUMENT',
      message: expect.stringContaining('"state"'),
    });
    await expect(store.set('s', tx('s'), -1)).rejects.toMatchObject({
      message: expect.stringContaining('"ttl"'),
    });
    expect(() => new PostgresTransactionStore(db.pool(), { maxEntries: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_POSTGRES_CONFIGURATION' }),
    );
  });
});
