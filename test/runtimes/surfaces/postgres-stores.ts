// neverlose-postgres on this runtime, with pg, against the run's PostgreSQL: its migrations, then
// the market adapters.
import { migrate } from 'neverlose-postgres';
import { PostgresIdJournal, PostgresWebhookDedupStore } from 'neverlose-postgres/market';
import pg from 'pg';
import { surface } from '../harness.js';
import { storeChecks } from './store-checks.js';

const tables = { tablePrefix: 'runtime_matrix_' };

export default surface('postgres stores', (check) => {
  storeChecks(check, async (c) => {
    const pool = new pg.Pool({ connectionString: c.databaseUrl, max: 2 });
    await migrate(pool, tables).catch(async (error: unknown) => {
      await pool.end();
      throw error;
    });
    return {
      dedup: new PostgresWebhookDedupStore(pool, tables),
      journal: new PostgresIdJournal(pool, tables),
      close: () => pool.end(),
    };
  });
});
