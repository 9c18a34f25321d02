import type { SessionRevocationStore } from 'neverlose-oidc';
import { invalidArgument } from '../arguments.js';
import type { PostgresQueryable } from '../client.js';
import type { PostgresDurableAdapterOptions } from '../options.js';
import { StoreCore } from '../store-core.js';

/** Options of {@link PostgresSessionRevocationStore}. */
export interface PostgresSessionRevocationStoreOptions extends PostgresDurableAdapterOptions {
  /**
   * Every how many sign-outs a bounded `DELETE` of revocations whose sessions expired runs (also
   * on the first).
   *
   * @defaultValue `64`
   */
  readonly sweepEvery?: number;
}

/**
 * Milliseconds a revocation is kept past the session's expiry: an instance whose clock runs up to
 * five minutes late still refuses the session until it sees it expired.
 */
const SKEW_MS = 300_000;

/**
 * A `neverlose-oidc` {@link SessionRevocationStore} in PostgreSQL, so that a session signed out
 * on one instance no longer opens on any other, before and after a restart: give every instance's
 * `neverloseAuth` (neverlose-oidc/hono) one over the same tables. `revoke` is one
 * `INSERT ... ON CONFLICT` that keeps the later expiry; `isRevoked` one primary-key lookup. A
 * revocation is kept until a few minutes after its session would have expired (clocks of
 * instances may disagree), then deleted by the store itself.
 *
 * A sign-out lost to a server crash would let a copied cookie open again: like the market's
 * stores, the first `revoke` checks that the server does not acknowledge commits it may lose
 * (`ERR_POSTGRES_NOT_DURABLE`). Every call ends within `timeoutMs` or fails with a coded
 * `NeverlosePostgresError`: the middleware then answers 503 `ERR_SESSION_STORE`, never opens a
 * session it could not check.
 *
 * @example
 * ```ts
 * await migrate(pool);
 * app.use(neverloseAuth({ ...options, sessionRevocations: new PostgresSessionRevocationStore(pool) }));
 * ```
 */
export class PostgresSessionRevocationStore implements SessionRevocationStore {
  readonly #core: StoreCore;

  constructor(client: PostgresQueryable, options: PostgresSessionRevocationStoreOptions = {}) {
    this.#core = new StoreCore(client, options, {
      table: 'sessionRevocations',
      durable: true,
      sweepEvery: 64,
    });
  }

  /**
   * Refuses the session `id` on every instance until `expiresAt` (milliseconds since the epoch).
   *
   * @throws {NeverlosePostgresError} when the server fails or does not answer within `timeoutMs`.
   */
  async revoke(id: string, expiresAt: number): Promise<void> {
    checkId(id);
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      invalidArgument(
        'Invalid "expiresAt": must be a finite number of milliseconds since the epoch.',
      );
    }
    const table = this.#core.table;
    await this.#core.write((deadline) =>
      this.#core.db.run(
        `INSERT INTO ${table} (session_id, expires_at)
         VALUES ($1, to_timestamp($2::float8 / 1000))
         ON CONFLICT (session_id) DO UPDATE
           SET expires_at = GREATEST(${table}.expires_at, EXCLUDED.expires_at)`,
        [id, expiresAt + SKEW_MS],
        deadline,
      ),
    );
  }

  /**
   * True when the session `id` was revoked on any instance.
   *
   * @throws {NeverlosePostgresError} when the server fails or does not answer within `timeoutMs`.
   */
  async isRevoked(id: string, _issuedAt: number): Promise<boolean> {
    checkId(id);
    const rows = await this.#core.db.run(
      `SELECT 1 FROM ${this.#core.table}
       WHERE session_id = $1 AND expires_at > to_timestamp($2::float8 / 1000)`,
      [id, this.#core.now()],
    );
    return rows.length > 0;
  }

  /**
   * Deletes up to 1000 revocations whose sessions expired; the store also does this by itself.
   *
   * @returns How many were deleted.
   */
  sweep(): Promise<number> {
    return this.#core.sweep();
  }
}

function checkId(id: string): void {
  // PostgreSQL text cannot hold U+0000.
  if (typeof id !== 'string' || id === '' || id.length > 512 || id.includes('\0')) {
    invalidArgument(
      'Invalid "id": must be the session id, a non-empty string of at most 512 characters without U+0000.',
    );
  }
}
