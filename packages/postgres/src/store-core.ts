import { Database, type PostgresPool, type PostgresQueryable } from './client.js';
import type { Deadline } from './deadline.js';
import { DurabilityCheck } from './durability.js';
import {
  clockOption,
  type PostgresAdapterOptions,
  type PostgresDurableAdapterOptions,
  positiveIntegerOption,
  type TableNames,
  tableNames,
  timeoutOption,
} from './options.js';
import { deleteExpired, Sweeper } from './sweeper.js';

/** @internal The tables a store can keep its rows in (`TableNames` less the schema's own names). */
export type StoreTable = Exclude<
  keyof TableNames,
  'schema' | 'prefix' | 'quotedSchema' | 'migrations'
>;

/** @internal What a store is, beside its SQL and its row mapping. */
export interface StoreSpec {
  /** Its table. */
  readonly table: StoreTable;
  /**
   * It keeps money or replay state: every write first checks, once, that the server keeps what it
   * acknowledges (unless `dangerouslyAllowNonDurableCommits`).
   */
  readonly durable: boolean;
  /**
   * Its rows expire (an `expires_at` column): the default of its `sweepEvery` option, every how
   * many writes a bounded `DELETE` of expired rows runs. Absent: nothing is swept.
   */
  readonly sweepEvery?: number;
}

/** @internal The options a store's core reads (each store's options extend them). */
export type StoreCoreOptions = PostgresAdapterOptions &
  Pick<PostgresDurableAdapterOptions, 'dangerouslyAllowNonDurableCommits'> & {
    readonly sweepEvery?: number;
  };

/**
 * @internal The part every PostgreSQL store shares, written once: the client as a {@link Database}
 * (each statement within the call's deadline, driver errors translated, pooled connections held
 * with an `'error'` listener), the checked table name and clock, the durability check before
 * writes, and the sweep of expired rows after them. A store built on it is its SQL and its row
 * mapping: each call takes `core.db.deadline()` (a read) or runs in {@link StoreCore.write}.
 *
 * @example
 * ```ts
 * this.#core = new StoreCore(client, options, { table: 'tokens', durable: true, sweepEvery: 256 });
 * return this.#core.write((deadline) => this.#core.db.run(sql, values, deadline));
 * ```
 */
export class StoreCore {
  /** The client, each statement within a deadline. */
  readonly db: Database;
  /** The store's table, schema-qualified and quoted. */
  readonly table: string;
  /** The clock, in milliseconds (option `now`). */
  readonly now: () => number;
  readonly #durable: DurabilityCheck | undefined;
  readonly #sweeper: Sweeper | undefined;

  constructor(
    client: PostgresQueryable | PostgresPool,
    options: StoreCoreOptions,
    spec: StoreSpec,
  ) {
    this.db = new Database(client, timeoutOption(options.timeoutMs));
    this.table = tableNames(options)[spec.table];
    this.now = clockOption(options.now);
    this.#durable = spec.durable
      ? new DurabilityCheck(this.db, options.dangerouslyAllowNonDurableCommits)
      : undefined;
    this.#sweeper =
      spec.sweepEvery === undefined
        ? undefined
        : new Sweeper(
            positiveIntegerOption('sweepEvery', options.sweepEvery ?? spec.sweepEvery),
            (deadline) => this.sweep(deadline),
          );
  }

  /**
   * One writing call of the store, within one deadline: the durability check (a durable store),
   * then `work`, then the sweep when its turn has come (a sweep that fails is not the call's
   * failure). A `work` that throws skips the sweep.
   */
  async write<T>(work: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = this.db.deadline();
    await this.ensureDurable(deadline);
    const result = await work(deadline);
    await this.#sweeper?.afterWrite(deadline);
    return result;
  }

  /**
   * The durability check alone, for a write that runs in the caller's own transaction or skips
   * the sweep: resolves at once for a store that is not durable, and after the first success.
   */
  ensureDurable(deadline: Deadline): Promise<void> {
    return this.#durable?.ensure(deadline) ?? Promise.resolve();
  }

  /** Deletes up to 1000 expired rows of the table, within `deadline` (a call of its own by default). */
  sweep(deadline: Deadline = this.db.deadline()): Promise<number> {
    return deleteExpired(this.db, this.table, this.now(), deadline);
  }
}
