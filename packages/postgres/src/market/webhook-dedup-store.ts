import type { DedupClaim, WebhookDedupStore } from 'neverlose-market/webhooks';
import { invalidArgument } from '../arguments.js';
import type { PostgresQueryable } from '../client.js';
import { translateError } from '../driver-errors.js';
import { NeverlosePostgresError } from '../errors.js';
import type { PostgresDurableAdapterOptions } from '../options.js';
import { StoreCore } from '../store-core.js';

/** Options of {@link PostgresWebhookDedupStore}. */
export interface PostgresWebhookDedupStoreOptions extends PostgresDurableAdapterOptions {
  /**
   * Every how many writes a bounded `DELETE` of expired records runs (also on the first).
   *
   * @defaultValue `256`
   */
  readonly sweepEvery?: number;
}

/** How often `claim` re-reads a record that changed under it before giving up. */
const CLAIM_ATTEMPTS = 5;

/**
 * A `neverlose-market` {@link WebhookDedupStore} in PostgreSQL, durable across restarts of the
 * app and of the server: a webhook handled before a restart is refused after it too. `claim` is
 * one `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`: of any number of instances claiming
 * one event at once, exactly one gets `claimed`; the others read `processing` or `done`.
 *
 * Expired records (ended leases, `done` records past their TTL) are deleted by the store itself,
 * a bounded batch on its first write and every `sweepEvery` writes after.
 *
 * @example
 * ```ts
 * createWebhookHandler({ secret, dedupStore: new PostgresWebhookDedupStore(pool), onEvent });
 * ```
 */
export class PostgresWebhookDedupStore implements WebhookDedupStore {
  readonly #core: StoreCore;

  constructor(client: PostgresQueryable, options: PostgresWebhookDedupStoreOptions = {}) {
    this.#core = new StoreCore(client, options, { table: 'dedup', durable: true, sweepEvery: 256 });
  }

  async claim(kind: string, uniqueId: number, leaseSeconds: number): Promise<DedupClaim> {
    checkEvent(kind, uniqueId);
    const lease = seconds('leaseSeconds', leaseSeconds);
    const { db, table, now: clock } = this.#core;
    return this.#core.write(async (deadline) => {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const now = clock();
        const [claimed] = await db.run(
          `INSERT INTO ${table} AS d (kind, unique_id, state, expires_at)
           VALUES ($1, $2, 'processing', to_timestamp($4::float8 / 1000))
           ON CONFLICT (kind, unique_id) DO UPDATE
             SET state = 'processing', expires_at = EXCLUDED.expires_at
             WHERE d.expires_at <= to_timestamp($3::float8 / 1000)
           RETURNING 1`,
          [kind, uniqueId, now, now + lease * 1000],
          deadline,
        );
        if (claimed !== undefined) return 'claimed';
        // A live record stood in the way; this new statement reads it as committed now.
        const [live] = await db.run(
          `SELECT state FROM ${table}
           WHERE kind = $1 AND unique_id = $2 AND expires_at > to_timestamp($3::float8 / 1000)`,
          [kind, uniqueId, now],
          deadline,
        );
        const state = live?.['state'];
        if (state === 'done') return 'done';
        if (state === 'processing') return 'processing';
        // Released or expired between the two statements: claim again.
      }
      throw new NeverlosePostgresError(
        'ERR_POSTGRES_UNEXPECTED_REPLY',
        `The dedup record of ${kind} ${uniqueId} changed under ${CLAIM_ATTEMPTS} claims in a row.`,
      );
    });
  }

  async complete(kind: string, uniqueId: number, ttlSeconds: number): Promise<void> {
    checkEvent(kind, uniqueId);
    const ttl = seconds('ttlSeconds', ttlSeconds);
    const { db, table, now } = this.#core;
    await this.#core.write((deadline) =>
      db.run(
        `INSERT INTO ${table} AS d (kind, unique_id, state, expires_at)
         VALUES ($1, $2, 'done', to_timestamp($3::float8 / 1000))
         ON CONFLICT (kind, unique_id) DO UPDATE SET state = 'done', expires_at = EXCLUDED.expires_at`,
        [kind, uniqueId, now() + ttl * 1000],
        deadline,
      ),
    );
  }

  /**
   * Marks the event done inside your transaction, for a handler whose effect is rows in the same
   * database: the rows and the done record commit together or not at all. Then no crash, lost
   * lease or failed `complete` can make a redelivery run the handler's effect twice: of two
   * deliveries that both ran the handler (the first one's lease ended), the second to commit
   * gets `ERR_POSTGRES_ALREADY_HANDLED` here and its transaction rolls back.
   *
   * The handler (`createWebhookHandler`) still calls `complete` after `onEvent`; that second
   * write changes nothing.
   *
   * @param tx The connection of your open transaction (`withTransaction`'s argument).
   * @param ttlSeconds Pass the handler's `dedupTtlSeconds` (default 30 days).
   * @throws {NeverlosePostgresError} `ERR_POSTGRES_ALREADY_HANDLED` when another delivery of the
   *   event committed first: let it propagate, so your transaction rolls back.
   * @example
   * ```ts
   * onEvent: (event) =>
   *   withTransaction(pool, async (tx) => {
   *     await tx.query('INSERT INTO payments (kind, unique_id, amount) VALUES ($1, $2, $3)', [event.kind, event.uniqueId, event.amountText]);
   *     await dedup.completeWithin(tx, event.kind, event.uniqueId, 30 * 24 * 3600);
   *   }),
   * ```
   */
  async completeWithin(
    tx: PostgresQueryable,
    kind: string,
    uniqueId: number,
    ttlSeconds: number,
  ): Promise<void> {
    checkEvent(kind, uniqueId);
    const ttl = seconds('ttlSeconds', ttlSeconds);
    const deadline = this.#core.db.deadline();
    await this.#core.ensureDurable(deadline);
    const now = this.#core.now();
    let rows: readonly unknown[];
    try {
      ({ rows } = await deadline.race(
        tx.query(
          `INSERT INTO ${this.#core.table} AS d (kind, unique_id, state, expires_at)
           VALUES ($1, $2, 'done', to_timestamp($4::float8 / 1000))
           ON CONFLICT (kind, unique_id) DO UPDATE SET state = 'done', expires_at = EXCLUDED.expires_at
             WHERE d.state <> 'done' OR d.expires_at <= to_timestamp($3::float8 / 1000)
           RETURNING 1`,
          [kind, uniqueId, now, now + ttl * 1000],
        ),
        'completeWithin',
      ));
    } catch (error) {
      throw translateError(error);
    }
    if (rows.length === 0) {
      throw new NeverlosePostgresError(
        'ERR_POSTGRES_ALREADY_HANDLED',
        `The ${kind} webhook ${uniqueId} was handled by another delivery first.`,
      );
    }
  }

  async release(kind: string, uniqueId: number): Promise<void> {
    checkEvent(kind, uniqueId);
    await this.#core.db.run(
      `DELETE FROM ${this.#core.table} WHERE kind = $1 AND unique_id = $2 AND state = 'processing'`,
      [kind, uniqueId],
    );
  }

  /**
   * Deletes up to 1000 expired records now; the store also does this by itself as it writes.
   *
   * @returns How many were deleted.
   */
  sweep(): Promise<number> {
    return this.#core.sweep();
  }
}

function checkEvent(kind: string, uniqueId: number): void {
  if (typeof kind !== 'string' || kind === '' || kind.length > 64) {
    invalidArgument('Invalid "kind": must be a non-empty string of at most 64 characters.');
  }
  if (!Number.isSafeInteger(uniqueId))
    invalidArgument('Invalid "uniqueId": must be a safe integer.');
}

function seconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    invalidArgument(`Invalid "${name}": must be a positive number.`);
  return Math.ceil(value);
}
