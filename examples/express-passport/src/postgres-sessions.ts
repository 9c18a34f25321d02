import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';

const TABLE = 'neverlose_example_sessions';

/** Sessions in PostgreSQL, their pool (which the login store may share), and what to close. */
export interface PostgresSessions {
  readonly store: session.Store;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Opens the session store of `connect-pg-simple` on `databaseUrl`: sessions (and the logins in
 * flight they hold) are shared by every instance and survive restarts. The table is created here,
 * under an advisory lock, rather than lazily by the store: instances starting together would race
 * on it. Expired sessions are pruned by the store every 15 minutes.
 */
export async function openPostgresSessions(
  databaseUrl: string,
  onError: (error: unknown) => void,
): Promise<PostgresSessions> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 5,
    // A server that is down or hung answers a request with an error, not never.
    connectionTimeoutMillis: 5000,
    query_timeout: 10_000,
  });
  // A connection the server closed (restart, failover) errors on the idle client; the pool
  // replaces it. Without a listener the process would crash.
  pool.on('error', onError);
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [TABLE]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      sid varchar NOT NULL PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_expire ON ${TABLE} (expire)`);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    client.release(true);
    await pool.end();
    throw error;
  }
  const PgStore = connectPgSimple(session);
  const store = new PgStore({ pool, tableName: TABLE, errorLog: onError });
  return {
    store,
    pool,
    close: async () => {
      store.close();
      await pool.end();
    },
  };
}
