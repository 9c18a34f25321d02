import { createHash } from 'node:crypto';
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
  bindingHash: `hash-${state}`,
});

/** The row key of a binding, as the store computes it. */
const keyOf = (binding: string) => createHash('sha256').update(binding).digest('base64url');

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

  it('refuses a new login when full instead of evicting the logins in flight', async () => {
    let clock = 1_700_000_000_000;
    const tables = await db.tables();
    const store = new PostgresTransactionStore(db.pool(), {
      ...tables,
      now: () => clock,
      maxEntries: 3,
      sweepEvery: 1,
    });
    await store.set('old', tx('old'), 10);
    for (const state of ['a', 'b', 'c']) {
      clock += 20;
      await store.set(state, tx(state), 60_000);
    }
    // Full of live logins: the next one is refused, and no pending login was dropped.
    await expect(store.set('d', tx('d'), 60_000)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    const { rows } = await db.query(
      `SELECT binding_hash FROM "public"."${tables.tablePrefix}oidc_transactions"`,
    );
    expect(rows.map((row) => row.binding_hash).sort()).toEqual(['a', 'b', 'c'].map(keyOf).sort());
    expect(await store.take('a')).toEqual(tx('a'));
    // One finished: there is room again.
    await store.set('d', tx('d'), 60_000);
    expect(await store.take('d')).toEqual(tx('d'));
  });

  it('admits new logins again once the logins in flight have expired', async () => {
    let clock = 1_700_000_000_000;
    const store = new PostgresTransactionStore(db.pool(), {
      ...(await db.tables()),
      now: () => clock,
      maxEntries: 2,
      sweepEvery: 1000,
    });
    await store.set('a', tx('a'), 1000);
    await store.set('b', tx('b'), 1000);
    await expect(store.set('c', tx('c'), 1000)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    clock += 2000;
    await store.set('c', tx('c'), 1000);
    expect(await store.take('c')).toEqual(tx('c'));
  });

  it('refuses an invalid binding, ttl or maxEntries, naming it', async () => {
    const store = new PostgresTransactionStore(db.pool(), await db.tables());
    await expect(store.set('', tx(''), 1000)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('"binding"'),
    });
    await expect(store.set('s', tx('s'), -1)).rejects.toMatchObject({
      message: expect.stringContaining('"ttl"'),
    });
    expect(() => new PostgresTransactionStore(db.pool(), { maxEntries: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});
