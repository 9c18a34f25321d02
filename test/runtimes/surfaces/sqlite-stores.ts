// neverlose-market/sqlite on this runtime: node:sqlite where it is built in (Node.js 22.13+, Bun,
// Deno), better-sqlite3 elsewhere (Node.js 20). In-memory databases: the checks need no file.
import { openSqliteIdJournal, openSqliteWebhookDedupStore } from 'neverlose-market/sqlite';
import { surface } from '../harness.js';
import { storeChecks } from './store-checks.js';

export default surface('sqlite stores', (check) => {
  storeChecks(check, async () => {
    const dedup = await openSqliteWebhookDedupStore(':memory:');
    const journal = await openSqliteIdJournal(':memory:');
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
