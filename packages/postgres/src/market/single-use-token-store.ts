import type { SingleUseTokenStore } from 'neverlose-market/reseller';
import { invalidArgument } from '../arguments.js';
import type { PostgresQueryable } from '../client.js';
import type { PostgresDurableAdapterOptions } from '../options.js';
import { StoreCore } from '../store-core.js';

/** Options of {@link PostgresSingleUseTokenStore}. */
export interface PostgresSingleUseTokenStoreOptions extends PostgresDurableAdapterOptions {
  /**
   * Every how many writes a bounded `DELETE` of forgotten tokens runs (also on the first).
   *
   * @defaultValue `256`
   */
  readonly sweepEvery?: number;
}

/**
 * Seconds a spent token is kept past `expiresAt`, the last instant any verifier accepts it: covers
 * clocks of instances that disagree by up to five minutes.
 */
const SKEW_SECONDS = 300;

/**
 * A `neverlose-market` {@link SingleUseTokenStore} in PostgreSQL: `consume` is one
 * `INSERT ... ON CONFLICT DO NOTHING` on the token's primary key, so of all the instances that
 * accept one reseller checkout token (`acceptResellerOrder`), before and after a restart, one
 * records it first and the others resume its order. A recorded token is remembered until
 * `expiresAt` plus five minutes, then deleted by the store itself.
 *
 * @example
 * ```ts
 * const { order, resumed } = await acceptResellerOrder(token, apiKey, {
 *   integrationId: 100,
 *   store: new PostgresSingleUseTokenStore(pool),
 * });
 * ```
 */
export class PostgresSingleUseTokenStore implements SingleUseTokenStore {
  readonly #core: StoreCore;

  constructor(client: PostgresQueryable, options: PostgresSingleUseTokenStoreOptions = {}) {
    this.#core = new StoreCore(client, options, {
      table: 'tokens',
      durable: true,
      sweepEvery: 256,
    });
  }

  async consume(tokenId: string, expiresAt: number): Promise<boolean> {
    if (typeof tokenId !== 'string' || tokenId === '' || tokenId.length > 256) {
      invalidArgument('Invalid "tokenId": must be a non-empty string of at most 256 characters.');
    }
    if (!Number.isFinite(expiresAt))
      invalidArgument('Invalid "expiresAt": must be a finite number of seconds.');
    const { db, table } = this.#core;
    const rows = await this.#core.write((deadline) =>
      db.run(
        `INSERT INTO ${table} (token_id, expires_at) VALUES ($1, to_timestamp($2::float8))
         ON CONFLICT (token_id) DO NOTHING RETURNING 1`,
        [tokenId, expiresAt + SKEW_SECONDS],
        deadline,
      ),
    );
    return rows.length === 1;
  }

  /**
   * Deletes up to 1000 tokens no verifier accepts any more; the store also does this by itself.
   *
   * @returns How many were deleted.
   */
  sweep(): Promise<number> {
    return this.#core.sweep();
  }
}
