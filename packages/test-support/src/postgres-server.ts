import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startPostgresCluster } from './postgres-cluster.mjs';

/** `migrate` of `neverlose-postgres`, passed in: this package depends on no package it tests. */
export type Migrate = (pool: pg.Pool, options: { tablePrefix: string }) => Promise<unknown>;

export interface TestTables {
  readonly tablePrefix: string;
}

/**
 * A PostgreSQL for one test file: `DATABASE_URL` when set (CI starts one on loopback), otherwise
 * a throwaway cluster of our own (`postgres-cluster.mjs`). Never skips: without a server
 * and without PostgreSQL installed, the file fails and says what to install.
 *
 * `tables()` migrates a fresh table prefix with `migrate`, so tests never see each other's rows.
 */
export async function startPostgres(migrate: Migrate) {
  const cluster = process.env['DATABASE_URL'] ? undefined : await startPostgresCluster();
  const url = process.env['DATABASE_URL'] ?? cluster!.url;
  const pools: pg.Pool[] = [];
  const pool = (config: pg.PoolConfig = {}) => {
    const created = new pg.Pool({ connectionString: url, max: 4, ...config });
    created.on('error', () => undefined);
    pools.push(created);
    return created;
  };
  const admin = pool();
  return {
    url,
    pool,
    async tables(): Promise<TestTables> {
      const tablePrefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}_`;
      await migrate(admin, { tablePrefix });
      return { tablePrefix };
    },
    /** Runs one statement as the test's own admin connection. */
    query: (text: string, values?: unknown[]) => admin.query(text, values),
    async stop() {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      await cluster?.stop();
    },
  };
}

export type TestPostgres = Awaited<ReturnType<typeof startPostgres>>;
