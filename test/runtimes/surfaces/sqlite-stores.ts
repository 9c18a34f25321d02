// neverlose-market/sqlite on this runtime: node:sqlite where it is built in (Node.js 22.13+, Bun,
// Deno), better-sqlite3 elsewhere (Node.js 20). In-memory databases: the checks need no file.
import { openSqliteDedupStore, openSqliteJournal } from 'neverlose-market/sqlite';
import { surface } from '../harness.js';
import { storeChecks } from './store-checks.js';

export default surface('sqlite stores', (check) => {
  storeChecks(check, async () => {
    const dedup = await openSqliteDedupStore(':memory:');
    const journal = await openSqliteJournal(':memory:');
    return {
      dedup,
      journal,
      close: async () => {
        dedup.close();
        journal.close();
      },
    };
  });
});
