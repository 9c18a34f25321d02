import type { Database } from './client.js';
import type { Deadline } from './deadline.js';
import { NeverlosePostgresError } from './errors.js';

/**
 * @internal Checks once per adapter, before its first write, that the server can write and keeps
 * what it acknowledges: not a standby nor read-only, `synchronous_commit` not `off`, `fsync` on.
 * The answer is remembered; a failed check is tried again on the next write. A server that turns
 * read-only later (a failover) refuses the write itself, with `ERR_POSTGRES_READ_ONLY`.
 */
export class DurabilityCheck {
  readonly #db: Database;
  readonly #skip: boolean;
  #checked: Promise<void> | undefined;

  constructor(db: Database, skip: boolean | undefined) {
    this.#db = db;
    this.#skip = skip === true;
  }

  ensure(deadline: Deadline): Promise<void> {
    if (this.#skip) return Promise.resolve();
    this.#checked ??= this.#check(deadline).catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    return deadline.race(this.#checked, 'The durability check');
  }

  async #check(deadline: Deadline): Promise<void> {
    const [row] = await this.#db.run(
      `SELECT current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('fsync') AS fsync,
              current_setting('transaction_read_only') AS read_only,
              pg_is_in_recovery() AS recovery`,
      [],
      deadline,
    );
    if (row?.['recovery'] === true || row?.['read_only'] === 'on') {
      throw new NeverlosePostgresError(
        'ERR_POSTGRES_READ_ONLY',
        `The server cannot write (${row['recovery'] === true ? 'a standby in recovery' : 'default_transaction_read_only = on'}): nothing was written, so nothing is sent. Point the pool at the primary.`,
      );
    }
    const synchronous = String(row?.['synchronous_commit']);
    const fsync = String(row?.['fsync']);
    if (synchronous === 'off' || fsync === 'off') {
      throw new NeverlosePostgresError(
        'ERR_POSTGRES_NOT_DURABLE',
        `The server acknowledges commits it may lose (synchronous_commit = ${synchronous}, fsync = ${fsync}): a lost journal entry is a payment sent twice. Turn both on, or pass dangerouslyAllowNonDurableCommits: true for a throwaway test server.`,
      );
    }
  }
}
