import { errorListenerGuard } from '@neverlose-toolkit/internal/error-listener';
import { invalidArgument } from './arguments.js';
import { type Deadline, postgresDeadline } from './deadline.js';
import { sqlState, translateError } from './driver-errors.js';
import { isNeverlosePostgresError, NeverlosePostgresError } from './errors.js';
import { DEFAULT_TIMEOUT_MS, timeoutOption } from './options.js';

/** What a query answers: the rows, as objects keyed by column name. */
export interface PostgresQueryResult {
  readonly rows: readonly Record<string, unknown>[];
  /**
   * The command tag (node-postgres's `command`; postgres.js's `rows.command`). `COMMIT` of a
   * transaction a failed statement aborted answers `ROLLBACK`: a driver that reports it lets
   * {@link withTransaction} check the commit without another round trip.
   */
  readonly command?: string | null;
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

/**
 * A connection taken from a pool for a transaction; `release` gives it back. While the adapters
 * hold one, they listen to its `'error'` event (node-postgres emits one when the server ends the
 * connection), so a restart fails the transaction instead of the process.
 */
export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the connection; an error tells the pool to discard it (node-postgres). */
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

/** Options of {@link withTransaction}. */
export interface TransactionOptions {
  /** @defaultValue `'read committed'` */
  readonly isolation?: IsolationLevel;
  /**
   * The whole transaction (waiting for a connection, `BEGIN`, your statements, `COMMIT`) ends
   * within this many milliseconds, or fails with `ERR_POSTGRES_TIMEOUT` and its connection is
   * discarded (which rolls it back). Your statements count; the rest of your code does too.
   *
   * @defaultValue `5000`
   */
  readonly timeoutMs?: number;
}

/**
 * Runs `work` in one transaction on one connection of `pool`: `BEGIN`, your statements, `COMMIT`;
 * `ROLLBACK` if `work` throws (and the error is rethrown). It resolves only when the transaction
 * committed: a statement that failed inside it, even one whose error `work` caught, makes `COMMIT`
 * roll everything back, and that fails with `ERR_POSTGRES_TRANSACTION_ABORTED`. A connection the
 * server ended (a restart) fails it with `ERR_POSTGRES_UNAVAILABLE` without crashing the process,
 * and a connection whose rollback failed or timed out is discarded, never handed to the next
 * caller half-way through a transaction.
 *
 * @example
 * ```ts
 * await withTransaction(pool, async (tx) => {
 *   await tx.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, 'refunded']);
 *   await tx.query('INSERT INTO refunds (order_id) VALUES ($1)', [orderId]);
 * });
 * ```
 */
export function withTransaction<T>(
  pool: PostgresPool,
  work: (tx: PostgresQueryable) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const deadline = postgresDeadline(timeoutOption(options.timeoutMs));
  listenForErrors(pool);
  return transaction(pool, work, deadline, options.isolation ?? 'read committed');
}

/**
 * @internal A pool or a connection as the adapters use it: each call within one deadline, driver
 * failures translated, connections held with an `'error'` listener.
 */
export class Database {
  readonly #client: PostgresQueryable | PostgresPool;
  readonly #timeoutMs: number;

  constructor(client: PostgresQueryable | PostgresPool, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    listenForErrors(client);
  }

  /** True when the client can open transactions (`connect()`). */
  get isPool(): boolean {
    return typeof (this.#client as Partial<PostgresPool>).connect === 'function';
  }

  /** The deadline of one store call: pass it to every statement of the call. */
  deadline(): Deadline {
    return postgresDeadline(this.#timeoutMs);
  }

  /**
   * One statement, within `deadline` (a call of its own by default). On a pool it runs on a
   * connection of its own, discarded if the statement timed out or the connection was lost.
   */
  async run(
    text: string,
    values: unknown[] = [],
    deadline: Deadline = this.deadline(),
  ): Promise<readonly Record<string, unknown>[]> {
    const client = this.#client;
    if (!this.isPool) {
      try {
        return (await deadline.race(client.query(text, values), statementName(text))).rows;
      } catch (error) {
        throw translateError(error);
      }
    }
    const held = await checkout(client as PostgresPool, deadline);
    try {
      return (await held.query(text, values)).rows;
    } finally {
      held.release();
    }
  }

  /** {@link withTransaction} within `deadline`. */
  transaction<T>(
    work: (tx: PostgresQueryable) => Promise<T>,
    deadline: Deadline = this.deadline(),
  ): Promise<T> {
    return transaction(this.#client as PostgresPool, work, deadline, 'read committed');
  }
}

async function transaction<T>(
  pool: PostgresPool,
  work: (tx: PostgresQueryable) => Promise<T>,
  deadline: Deadline,
  isolation: IsolationLevel,
): Promise<T> {
  const begin = `BEGIN ISOLATION LEVEL ${isolationSql(isolation)}`;
  const held = await checkout(pool, deadline);
  let open = false;
  let broken: unknown;
  try {
    const begun = await held.query(begin);
    open = true;
    const result = await work(held.statements);
    // Without a command tag to read, ask before COMMIT: any statement fails in an aborted transaction.
    const tagged = typeof begun.command === 'string';
    if (!tagged) await held.query('SELECT 1').catch(abortedWhen('25P02'));
    const committed = await held.query('COMMIT');
    open = false;
    if (tagged && committed.command !== 'COMMIT') throw transactionAborted();
    return result;
  } catch (error) {
    if (open && !held.lost) {
      await held.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
    }
    throw translateError(error);
  } finally {
    held.release(broken);
  }
}

function transactionAborted(cause?: unknown): NeverlosePostgresError {
  return new NeverlosePostgresError(
    'ERR_POSTGRES_TRANSACTION_ABORTED',
    'A statement of the transaction failed and its error was caught (by a hook or your work), so COMMIT rolled everything back: nothing was written. Let the error propagate, or run the statement in a SAVEPOINT of its own.',
    cause === undefined ? undefined : { cause },
  );
}

function abortedWhen(state: string) {
  return (error: unknown): never => {
    throw sqlState(error) === state ? transactionAborted(error) : error;
  };
}

/** A connection checked out of a pool: statements within the deadline, its errors listened to. */
class HeldConnection {
  readonly #client: PostgresPoolClient;
  readonly #deadline: Deadline;
  /** Why the connection cannot be used again: an `'error'` event, a lost or timed-out statement. */
  #lost: unknown;
  readonly #onError = (error: unknown) => {
    this.#lost ??= error;
  };

  /** The connection as your code sees it. */
  readonly statements: PostgresQueryable = { query: (text, values) => this.query(text, values) };

  constructor(client: PostgresPoolClient, deadline: Deadline) {
    this.#client = client;
    this.#deadline = deadline;
    (client as Partial<Emitter>).on?.('error', this.#onError);
  }

  get lost(): boolean {
    return this.#lost !== undefined;
  }

  async query(text: string, values?: unknown[]): Promise<PostgresQueryResult> {
    try {
      return await this.#deadline.race(this.#client.query(text, values), statementName(text));
    } catch (error) {
      const translated = translateError(error);
      if (
        isNeverlosePostgresError(translated) &&
        (translated.code === 'ERR_POSTGRES_UNAVAILABLE' ||
          translated.code === 'ERR_POSTGRES_TIMEOUT')
      ) {
        this.#lost ??= translated;
      }
      throw translated;
    }
  }

  /** Gives the connection back, or has the pool discard it when it is lost or `broken`. */
  release(broken?: unknown): void {
    const reason = this.#lost ?? broken;
    if (reason === undefined) {
      (this.#client as Partial<Emitter>).removeListener?.('error', this.#onError);
      this.#client.release();
      return;
    }
    // Our listener stays: a discarded connection may still report its end.
    this.#client.release(reason instanceof Error ? reason : new Error(String(reason)));
  }
}

async function checkout(pool: PostgresPool, deadline: Deadline): Promise<HeldConnection> {
  try {
    const client = await deadline.race(
      pool.connect(),
      'Waiting for a connection of the pool',
      // Came too late for this call: straight back to the pool.
      (late) => late.release(),
    );
    return new HeldConnection(client, deadline);
  } catch (error) {
    throw translateError(error);
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

/** Names a statement in a timeout's message by its first words. */
function statementName(text: string): string {
  return `The statement "${text.trim().split(/\s+/, 3).join(' ')}"`;
}

/** The `'error'` event of a held connection. */
interface Emitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeListener(event: 'error', listener: (error: unknown) => void): unknown;
}

/**
 * A node-postgres pool (or client) emits `'error'` when the server ends an idle connection (a
 * restart), and without a listener that event ends the process. The adapters add one where the
 * app has none: it warns once (`NEVERLOSE_POSTGRES_NO_ERROR_LISTENER`); the pool opens a new
 * connection for the next statement.
 */
const listenForErrors = errorListenerGuard({
  message: (cause) =>
    `A PostgreSQL connection was lost (${cause}) and the pool has no 'error' listener: neverlose-postgres kept the process up. Add pool.on('error', ...) to log it.`,
  type: 'NeverlosePostgresWarning',
  code: 'NEVERLOSE_POSTGRES_NO_ERROR_LISTENER',
});
