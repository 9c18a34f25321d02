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

// The contract suites of `neverlose-market/testing` and `neverlose-oidc/testing`, on PostgreSQL:
// each test on fresh tables, "reopen" a new pool on the same tables, as a restarted instance has.

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const test = { describe, it, expect };
/** The tables each store was opened on, to open them again. */
const tablesOf = new WeakMap<object, { tablePrefix: string }>();

/** What every suite is given: `make` opens a store on fresh tables, and again on the same ones. */
function stores<S extends object>(make: (tables: { tablePrefix: string }, now: () => number) => S) {
  const opened = (tables: { tablePrefix: string }, now: () => number) => {
    const store = make(tables, now);
    tablesOf.set(store, tables);
    return store;
  };
  return {
    name: 'PostgreSQL',
    test,
    open: async ({ now }: { now: () => number }) => opened(await db.tables(), now),
    reopen: (store: S, { now }: { now: () => number }) => opened(tablesOf.get(store)!, now),
  };
}

testIdJournal(stores((tables, now) => new PostgresIdJournal(db.pool(), { ...tables, now })));
testWebhookDedupStore(
  stores((tables, now) => new PostgresWebhookDedupStore(db.pool(), { ...tables, now })),
);
testSingleUseTokenStore(
  stores((tables, now) => new PostgresSingleUseTokenStore(db.pool(), { ...tables, now })),
);
testTransactionStore(
  stores((tables, now) => new PostgresTransactionStore(db.pool(), { ...tables, now })),
);
testSessionRevocationStore(
  stores((tables, now) => new PostgresSessionRevocationStore(db.pool(), { ...tables, now })),
);
