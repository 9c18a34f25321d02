import {
  testIdJournal,
  testSingleUseTokenStore,
  testWebhookDedupStore,
} from 'neverlose-market/testing';
import { testSessionRevocationStore, testTransactionStore } from 'neverlose-oidc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PostgresIdJournal,
  PostgresSingleUseTokenStore,
  PostgresWebhookDedupStore,
} from '../src/market.js';
import { PostgresSessionRevocationStore, PostgresTransactionStore } from '../src/oidc.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

// The contract suites of `neverlose-market/testing` and `neverlose-oidc/testing`, on PostgreSQL: each test on fresh tables,
// "reopen" a new pool on the same tables, as a restarted instance has.

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const test = { describe, it, expect };
/** The tables each store was opened on, to open them again. */
const tablesOf = new WeakMap<object, { tablePrefix: string }>();
function opened<S extends object>(store: S, tables: { tablePrefix: string }): S {
  tablesOf.set(store, tables);
  return store;
}

testIdJournal({
  name: 'PostgreSQL',
  test,
  open: async ({ now }) => {
    const tables = await db.tables();
    return opened(new PostgresIdJournal(db.pool(), { ...tables, now }), tables);
  },
  reopen: (journal, { now }) => {
    const tables = tablesOf.get(journal)!;
    return opened(new PostgresIdJournal(db.pool(), { ...tables, now }), tables);
  },
});

testWebhookDedupStore({
  name: 'PostgreSQL',
  test,
  open: async ({ now }) => {
    const tables = await db.tables();
    return opened(new PostgresWebhookDedupStore(db.pool(), { ...tables, now }), tables);
  },
  reopen: (store, { now }) => {
    const tables = tablesOf.get(store)!;
    return opened(new PostgresWebhookDedupStore(db.pool(), { ...tables, now }), tables);
  },
});

testSingleUseTokenStore({
  name: 'PostgreSQL',
  test,
  open: async ({ now }) => {
    const tables = await db.tables();
    return opened(new PostgresSingleUseTokenStore(db.pool(), { ...tables, now }), tables);
  },
  reopen: (store, { now }) => {
    const tables = tablesOf.get(store)!;
    return opened(new PostgresSingleUseTokenStore(db.pool(), { ...tables, now }), tables);
  },
});

testTransactionStore({
  name: 'PostgreSQL',
  test,
  open: async ({ now }) => {
    const tables = await db.tables();
    return opened(new PostgresTransactionStore(db.pool(), { ...tables, now }), tables);
  },
  reopen: (store, { now }) => {
    const tables = tablesOf.get(store)!;
    return opened(new PostgresTransactionStore(db.pool(), { ...tables, now }), tables);
  },
});

testSessionRevocationStore({
  name: 'PostgreSQL',
  test,
  open: async ({ now }) => {
    const tables = await db.tables();
    return opened(new PostgresSessionRevocationStore(db.pool(), { ...tables, now }), tables);
  },
  reopen: (store, { now }) => {
    const tables = tablesOf.get(store)!;
    return opened(new PostgresSessionRevocationStore(db.pool(), { ...tables, now }), tables);
  },
});
