import { invalidArgument, translateError } from './errors.js';

/** What a query answers: the rows, as objects keyed by column name. */
export interface PostgresQueryResult {
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * The one method the adapters send statements with: `query(text, values)`, with `$1, $2...`
 * placeholders. A node-postgres `Pool`, `Client` or `PoolClient` fits as it is.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const tokens = new PostgresSingleUseTokenStore(pool);
 * ```
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/** A connection taken from a pool for a transaction; `release` gives it back. */
export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the connection; a truthy argument tells the pool to discard it (node-postgres). */
  release(error?: Error | boolean): void;
}

/**
 * A pool: statements on any connection, and `connect()` for a transaction on one. A node-postgres
 * `pg.Pool` fits as it is; so does your own pool, if it already has one.
 */
export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPoolClient>;
}

/** Isolation level of {@link withTransaction}. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * Runs `work` in one transaction on one connection of `pool`: `BEGIN`, your statements, `COMMIT`;
 * `ROLLBACK` if `work` throws (and the error is rethrown). A connection whose rollback failed is
 * discarded, never handed to the next caller half-way through a transaction.
 *
 * @param isolation @defaultValue `'read committed'`
 * @example
 * ```ts
 * await withTransaction(pool, async (tx) => {
 *   await tx.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, 'refunded']);
 *   await tx.query('INSERT INTO refunds (order_id) VALUES ($1)', [orderId]);
 * });
 * ```
 */
export async function withTransaction<T>(
  pool: PostgresPool,
  work: (tx: PostgresQueryable) => Promise<T>,
  isolation: IsolationLevel = 'read committed',
): Promise<T> {
  let connection: PostgresPoolClient;
  try {
    connection = await pool.connect();
  } catch (error) {
    throw translateError(error);
  }
  let broken: Error | undefined;
  try {
    await connection.query(`BEGIN ISOLATION LEVEL ${isolationSql(isolation)}`);
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await connection.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw translateError(error);
  } finally {
    connection.release(broken ?? false);
  }
}

function isolationSql(level: IsolationLevel): string {
  if (level === 'read committed' || level === 'repeatable read' || level === 'serializable') {
    return level.toUpperCase();
  }
  return invalidArgument(
    `Invalid isolation level ${JSON.stringify(level)}: use 'read committed', 'repeatable read' or 'serializable'.`,
  );
}

/** @internal One statement; a missing table becomes `ERR_POSTGRES_NOT_MIGRATED`. */
export async function run(
  client: PostgresQueryable,
  text: string,
  values: unknown[] = [],
): Promise<readonly Record<string, unknown>[]> {
  try {
    return (await client.query(text, values)).rows;
  } catch (error) {
    throw translateError(error);
  }
}
