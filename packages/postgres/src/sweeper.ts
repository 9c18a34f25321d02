import type { Database } from './client.js';
import type { Deadline } from './deadline.js';

/**
 * @internal Deletes expired rows now and then, so nobody has to schedule a job: on an adapter's
 * first write and every `every` writes after, one bounded `DELETE` runs after the write, within what
 * is left of the call's deadline. A sweep that fails or runs out of time is not the caller's
 * failure (its write succeeded); the next turn tries again.
 */
export class Sweeper {
  readonly #every: number;
  readonly #sweep: (deadline: Deadline) => Promise<unknown>;
  #writes = 0;

  constructor(every: number, sweep: (deadline: Deadline) => Promise<unknown>) {
    this.#every = every;
    this.#sweep = sweep;
  }

  async afterWrite(deadline: Deadline): Promise<void> {
    if (this.#writes++ % this.#every !== 0) return;
    await this.#sweep(deadline).catch(() => undefined);
  }
}

/** @internal Most rows one sweep deletes: keeps each sweep short however much has piled up. */
const SWEEP_BATCH = 1000;

/** @internal Deletes up to {@link SWEEP_BATCH} rows of `table` whose `expires_at` has passed. */
export async function deleteExpired(
  db: Database,
  table: string,
  nowMs: number,
  deadline?: Deadline,
): Promise<number> {
  const rows = await db.run(
    `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM ${table} WHERE expires_at <= to_timestamp($1::float8 / 1000) LIMIT ${SWEEP_BATCH}))
     RETURNING 1`,
    [nowMs],
    deadline,
  );
  return rows.length;
}
