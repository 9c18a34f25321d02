import {
  type IdJournal,
  type JournalCompletion,
  type JournalEntry,
  JournalError,
  type JournalFailure,
  type JournalRef,
  type NewJournalEntry,
} from 'neverlose-market/journal';
import type { Database, PostgresPool, PostgresQueryable } from '../client.js';
import type { Deadline } from '../deadline.js';
import { NeverlosePostgresError } from '../errors.js';
import { functionOption, type PostgresDurableAdapterOptions } from '../options.js';
import { StoreCore } from '../store-core.js';

/**
 * Your own statements in the journal's transaction: `tx` is the connection that wrote `entry`,
 * inside its transaction. Rows written with it commit together with the journal step, or not at
 * all. Throwing rolls the step back (and `begin` fails: nothing is sent). So does a statement that
 * fails even if the hook catches its error: the transaction is aborted, and `begin` fails with
 * `ERR_POSTGRES_TRANSACTION_ABORTED` rather than report an entry `COMMIT` rolled back.
 */
export type JournalHook = (tx: PostgresQueryable, entry: JournalEntry) => Promise<unknown>;

/** Options of {@link PostgresIdJournal}. */
export interface PostgresIdJournalOptions extends PostgresDurableAdapterOptions {
  /**
   * Runs inside `begin`'s transaction when a new entry was written (not when the key existed):
   * record the order as paid, its delivery as begun. Needs a pool (`connect()`).
   *
   * @defaultValue none: `begin` is one statement
   * @example
   * ```ts
   * onBegin: (tx, entry) =>
   *   tx.query('UPDATE orders SET status = $2, request_id = $3 WHERE key = $1', [entry.key, 'delivering', entry.requestId]),
   * ```
   */
  readonly onBegin?: JournalHook;
  /**
   * Runs inside the transaction of `complete` or `fail` when a pending entry settles (with the
   * settled entry): record the delivery's outcome. Needs a pool (`connect()`).
   *
   * @defaultValue none: `complete` and `fail` are one statement each
   */
  readonly onSettle?: JournalHook;
}

const COLUMNS = `key, request_id, method, params, fingerprint, state, completion, failure,
  (extract(epoch FROM created_at) * 1000)::float8 AS created_ms,
  (extract(epoch FROM updated_at) * 1000)::float8 AS updated_ms`;

/**
 * A `neverlose-market` {@link IdJournal} in PostgreSQL, shared by every instance: `begin` is one
 * `INSERT ... ON CONFLICT DO NOTHING` (a key maps to one request id per method, whoever wins the
 * race; a request id another entry owns is refused with `ERR_JOURNAL_ID_REUSED`),
 * `complete` and `fail` change a pending entry only, and an entry is durable (WAL flushed, on the
 * synchronous standby too if you have one) before `begin` resolves and the request leaves. Every
 * call ends within `timeoutMs`; a server that cannot write fails `begin` (`ERR_POSTGRES_READ_ONLY`)
 * before anything is sent, also when a pending operation is resumed.
 *
 * With `onBegin` / `onSettle`, your own rows commit in the same transaction as the journal step,
 * so "order paid" and "delivery begun" cannot disagree after a crash.
 *
 * @example
 * ```ts
 * const journal = new PostgresIdJournal(pool);
 * const market = new MarketClient({ userId, secret, journal });
 * await market.resumePending(); // at start-up: finish what a crash interrupted
 * ```
 */
export class PostgresIdJournal implements IdJournal {
  readonly #core: StoreCore;
  readonly #db: Database;
  readonly #table: string;
  readonly #onBegin: JournalHook | undefined;
  readonly #onSettle: JournalHook | undefined;

  /** @param client A pool (`pg.Pool`); a single connection works when no hook is given. */
  constructor(client: PostgresQueryable | PostgresPool, options: PostgresIdJournalOptions = {}) {
    this.#core = new StoreCore(client, options, { table: 'journal', durable: true });
    this.#db = this.#core.db;
    this.#table = this.#core.table;
    this.#onBegin = functionOption('onBegin', options.onBegin);
    this.#onSettle = functionOption('onSettle', options.onSettle);
    if ((this.#onBegin || this.#onSettle) && !this.#db.isPool) {
      throw new NeverlosePostgresError(
        'ERR_INVALID_OPTION',
        'Invalid options "onBegin"/"onSettle": the hooks run in a transaction, so the journal needs a pool with connect() (pg.Pool), not a single connection.',
      );
    }
  }

  async begin(entry: NewJournalEntry): Promise<{ created: boolean; entry: JournalEntry }> {
    checkEntry(entry);
    return this.#core.write((deadline) => {
      const now = this.#core.now();
      const hook = this.#onBegin;
      if (hook === undefined) return this.#begin(undefined, entry, now, deadline);
      return this.#db.transaction(async (tx) => {
        const result = await this.#begin(tx, entry, now, deadline);
        if (result.created) await hook(tx, result.entry);
        return result;
      }, deadline);
    });
  }

  complete(ref: JournalRef, completion: JournalCompletion): Promise<void> {
    return this.#settle(ref, 'completed', completion, null);
  }

  fail(ref: JournalRef, failure: JournalFailure): Promise<void> {
    return this.#settle(ref, 'failed', null, failure);
  }

  async get(ref: JournalRef): Promise<JournalEntry | undefined> {
    const [row] = await this.#db.run(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE key = $1 AND method = $2`,
      [ref?.key, ref?.method],
    );
    return row === undefined ? undefined : toEntry(row);
  }

  async pending(): Promise<JournalEntry[]> {
    const rows = await this.#db.run(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE state = 'pending' ORDER BY seq`,
    );
    return rows.map(toEntry);
  }

  /**
   * Inserts the entry, or reads the one its method and key have. The insert is attempted even
   * when the entry exists, so a server that cannot write refuses here, before anything is sent.
   */
  async #begin(
    tx: PostgresQueryable | undefined,
    entry: NewJournalEntry,
    now: number,
    deadline: Deadline,
  ): Promise<{ created: boolean; entry: JournalEntry }> {
    const run = (text: string, values: unknown[]) =>
      tx === undefined
        ? this.#db.run(text, values, deadline)
        : tx.query(text, values).then((r) => r.rows);
    const [inserted] = await run(
      `INSERT INTO ${this.#table}
         (key, request_id, method, params, fingerprint, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', to_timestamp($6::float8 / 1000), to_timestamp($6::float8 / 1000))
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [entry.key, entry.requestId, entry.method, entry.params, entry.fingerprint, now],
    );
    if (inserted !== undefined) return { created: true, entry: toEntry(inserted) };
    // `ON CONFLICT DO NOTHING` names no index on purpose: racing begins of one key also share its
    // request id, and a loser that met the request id index first must read the winner's entry
    // like one that met (key, method) first, not fail. This new statement sees the winner's row.
    const [existing] = await run(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE key = $1 AND method = $2`,
      [entry.key, entry.method],
    );
    if (existing === undefined) {
      // Nothing has this method and key, so the request id is what conflicted: another owns it.
      const [owner] = await run(`SELECT key, method FROM ${this.#table} WHERE request_id = $1`, [
        entry.requestId,
      ]);
      throw JournalError.idReused(entry.requestId, {
        method: String(owner?.['method']),
        key: owner?.['key'] as string,
      });
    }
    return { created: false, entry: toEntry(existing) };
  }

  async #settle(
    ref: JournalRef,
    state: 'completed' | 'failed',
    completion: JournalCompletion | null,
    failure: JournalFailure | null,
  ): Promise<void> {
    if (typeof ref?.key !== 'string' || typeof ref.method !== 'string')
      throw JournalError.unknownKey(ref);
    await this.#core.write(async (deadline) => {
      const values = [
        ref.key,
        ref.method,
        state,
        completion === null ? null : JSON.stringify(completion),
        failure === null ? null : JSON.stringify(failure),
        this.#core.now(),
      ];
      const update = `UPDATE ${this.#table}
         SET state = $3, completion = $4::jsonb, failure = $5::jsonb, updated_at = to_timestamp($6::float8 / 1000)
         WHERE key = $1 AND method = $2 AND state = 'pending'`;
      const hook = this.#onSettle;
      if (hook === undefined) {
        // One statement: settle a pending entry, and tell a settled entry from an unknown one.
        const [row] = await this.#db.run(
          `WITH settled AS (${update} RETURNING 1)
           SELECT EXISTS (SELECT 1 FROM ${this.#table} WHERE key = $1 AND method = $2) AS known`,
          values,
          deadline,
        );
        if (row?.['known'] !== true) throw JournalError.unknownKey(ref);
        return;
      }
      await this.#db.transaction(async (tx) => {
        const { rows } = await tx.query(`${update} RETURNING ${COLUMNS}`, values);
        const [row] = rows;
        if (row !== undefined) return hook(tx, toEntry(row));
        const known = await tx.query(
          `SELECT 1 FROM ${this.#table} WHERE key = $1 AND method = $2`,
          [ref.key, ref.method],
        );
        if (known.rows.length === 0) throw JournalError.unknownKey(ref);
      }, deadline);
    });
  }
}

function checkEntry(entry: NewJournalEntry): void {
  for (const field of ['key', 'requestId', 'method', 'params', 'fingerprint'] as const) {
    if (typeof entry?.[field] !== 'string' || entry[field] === '') {
      throw new NeverlosePostgresError(
        'ERR_INVALID_ARGUMENT',
        `Invalid journal entry: "${field}" must be a non-empty string.`,
      );
    }
  }
}

/** node-postgres names the violated constraint `constraint`; postgres.js `constraint_name`. */

/** jsonb arrives parsed from node-postgres and postgres.js, as text from drivers that do not parse. */
function json<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function toEntry(row: Record<string, unknown>): JournalEntry {
  const state = row['state'];
  if (state !== 'pending' && state !== 'completed' && state !== 'failed') {
    throw new NeverlosePostgresError(
      'ERR_POSTGRES_UNEXPECTED_REPLY',
      `Journal entry ${JSON.stringify(row['key'])} has no valid state.`,
    );
  }
  const completion = json<JournalCompletion>(row['completion']);
  const failure = json<JournalFailure>(row['failure']);
  return {
    key: String(row['key']),
    requestId: String(row['request_id']),
    method: String(row['method']),
    params: String(row['params']),
    fingerprint: String(row['fingerprint']),
    state,
    ...(completion === undefined ? {} : { completion }),
    ...(failure === undefined ? {} : { failure }),
    createdAt: Math.round(Number(row['created_ms'])),
    updatedAt: Math.round(Number(row['updated_ms'])),
  };
}
