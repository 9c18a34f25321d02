// neverlose-postgres on this runtime, with pg, against the run's PostgreSQL: its migrations, then
// the market adapters and the OIDC ones.
import { migrate } from 'neverlose-postgres';
import { PostgresIdJournal, PostgresWebhookDedupStore } from 'neverlose-postgres/market';
import { PostgresSessionRevocationStore, PostgresTransactionStore } from 'neverlose-postgres/oidc';
import pg from 'pg';
import { type RuntimeContext, surface } from '../harness.js';
import { oidcStoreChecks, storeChecks } from './store-checks.js';

const tables = { tablePrefix: 'runtime_matrix_' };

export default surface('postgres stores', (check) => {
  const open = async (c: RuntimeContext) => {
    const pool = new pg.Pool({ connectionString: c.databaseUrl, max: 2 });
    await migrate(pool, tables).catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    return {
      dedup: new PostgresWebhookDedupStore(pool, tables),
      journal: new PostgresIdJournal(pool, tables),
      transactions: new PostgresTransactionStore(pool, tables),
      revocations: new PostgresSessionRevocationStore(pool, tables),
      close: () => pool.end(),
    };
  };
  storeChecks(check, open);
  oidcStoreChecks(check, open);
});
