import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryIdJournal,
  MemorySingleUseTokenStore,
  MemoryWebhookDedupStore,
} from '../../src/index.js';
import {
  openSqliteIdJournal,
  openSqliteSingleUseTokenStore,
  openSqliteWebhookDedupStore,
  type SqliteDriverName,
  type SqliteIdJournal,
  type SqliteSingleUseTokenStore,
  type SqliteWebhookDedupStore,
} from '../../src/sqlite/index.js';
import {
  testIdJournal,
  testSingleUseTokenStore,
  testWebhookDedupStore,
} from '../../src/testing/index.js';

// Every store of this package runs the contract suites of `neverlose-market/testing`: in memory,
// and SQLite on each driver this runtime has (node:sqlite from Node.js 22.13, Bun and Deno;
// better-sqlite3 where its native module was built for this Node.js).

const test = { describe, it, expect };
const dir = mkdtempSync(join(tmpdir(), 'nl-store-contracts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `store-${files++}.db`);

testIdJournal({ name: 'memory', test, open: () => new MemoryIdJournal() });
testWebhookDedupStore({
  name: 'memory',
  test,
  open: ({ now }) => new MemoryWebhookDedupStore(now),
});
testSingleUseTokenStore({
  name: 'memory',
  test,
  open: ({ now }) => new MemorySingleUseTokenStore(now),
});

/** Why a driver cannot open a database here, or `undefined` when it can. */
async function unavailable(driver: SqliteDriverName): Promise<string | undefined> {
  try {
    (await openSqliteIdJournal(':memory:', { driver })).close();
    return undefined;
  } catch (error) {
    return String((error as Error).message).split('\n')[0];
  }
}

for (const driver of ['node:sqlite', 'better-sqlite3'] as const) {
  const reason = await unavailable(driver);
  const name = `SQLite (${driver})`;
  if (reason !== undefined) {
    describe.skip(`${name}: not on this runtime (${reason})`, () => {
      it('runs the contract suites', () => undefined);
    });
    continue;
  }
  // Each store keeps its file name, to be opened again as a restarted process would.
  const filesOf = new WeakMap<object, string>();
  const opened = <S extends object>(file: string, store: S): S => {
    filesOf.set(store, file);
    return store;
  };
  testIdJournal<SqliteIdJournal>({
    name,
    test,
    open: async () => {
      const file = newFile();
      return opened(file, await openSqliteIdJournal(file, { driver }));
    },
    reopen: async (journal) =>
      opened(filesOf.get(journal)!, await openSqliteIdJournal(filesOf.get(journal)!, { driver })),
    close: (journal) => journal.close(),
  });
  testWebhookDedupStore<SqliteWebhookDedupStore>({
    name,
    test,
    open: async ({ now }) => {
      const file = newFile();
      return opened(file, await openSqliteWebhookDedupStore(file, { driver, now }));
    },
    reopen: async (store, { now }) =>
      opened(
        filesOf.get(store)!,
        await openSqliteWebhookDedupStore(filesOf.get(store)!, { driver, now }),
      ),
    close: (store) => store.close(),
  });
  testSingleUseTokenStore<SqliteSingleUseTokenStore>({
    name,
    test,
    open: async ({ now }) => {
      const file = newFile();
      return opened(file, await openSqliteSingleUseTokenStore(file, { driver, now }));
    },
    reopen: async (store, { now }) =>
      opened(
        filesOf.get(store)!,
        await openSqliteSingleUseTokenStore(filesOf.get(store)!, { driver, now }),
      ),
    close: (store) => store.close(),
  });
}
