import { type PostgresQueryable, run } from './client.js';

/**
 * @internal Deletes expired rows now and then, so nobody has to schedule a job: on an adapter's
 * first write and every `every` writes after, one bounded `DELETE` runs after the write. A sweep
 * that fails is not the caller's failure (its write succeeded); the next turn tries again.
 */
export class Sweeper {
  readonly #every: number;
  readonly #sweep: () => Promise<unknown>;
  #writes = 0;

  constructor(every: number, sweep: () => Promise<unknown>) {
    this.#every = every;
    this.#sweep = sweep;
  }

  async afterWrite(): Promise<void> {
    if (this.#writes++ % this.#every !== 0) return;
    await this.#sweep().catch(() => undefined);
  }
}

/** @internal Most rows one sweep deletes: keeps each sweep short however much has piled up. */
const SWEEP_BATCH = 1000;

/** @internal Deletes up to {@link SWEEP_BATCH} rows of `table` whose `expires_at` has passed. */
export async function deleteExpired(
  client: PostgresQueryable,
  table: string,
  nowMs: number,
): Promise<number> {
  const rows = await run(
    client,
    `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM ${table} WHERE expires_at <= to_timestamp($1::float8 / 1000) LIMIT ${SWEEP_BATCH}))
     RETURNING 1`,
    [nowMs],
  );
  return rows.length;
}
