import { migrate } from 'neverlose-postgres';
import pg from 'pg';

/** Start-up fails when PostgreSQL does not answer the connection and the migration within this time. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A pool on `databaseUrl` with neverlose-postgres's tables created (`migrate`, under an advisory
 * lock: instances starting together take turns), or an error within {@link CONNECT_TIMEOUT_MS}.
 * The pool's own limits close connections to a server that stopped answering, and its `'error'`
 * events (an idle connection ended by a restart or a failover) go to `onError`: the pool opens
 * new connections for the next requests.
 */
export async function openPostgres(
  databaseUrl: string,
  applicationName: string,
  onError: (error: unknown) => void,
): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  pool.on('error', onError);
  try {
    await migrate(pool, { timeoutMs: CONNECT_TIMEOUT_MS });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`DATABASE_URL: ${oneLine(error)}`, { cause: error });
  }
  return pool;
}

/** The error's message on one line, for the start-up error. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replaceAll(/\s*\n\s*/g, ' ');
}
