import type { TransactionStore } from 'neverlose-oidc';
import { migrate, type PostgresPool } from 'neverlose-postgres';
import { PostgresTransactionStore } from 'neverlose-postgres/oidc';
import type { RedisClient } from 'neverlose-redis';
import { RedisTransactionStore } from 'neverlose-redis/oidc';
import { MemoryTransactionStore } from 'passport-neverlose';

/** The values of {@link LoginStore}, as `LOGIN_STORE` takes them. */
export const LOGIN_STORES = ['session', 'memory', 'redis', 'postgres'] as const;

/**
 * Where a login waits between its start and its callback:
 *
 * - `'session'`: in the session, beside its browser binding; the session cookie binds the browser.
 * - `'memory'`, `'redis'`, `'postgres'`: in a neverlose-oidc `TransactionStore` (passport-neverlose's
 *   `store` option) under the login's browser binding, which goes to the browser in the login
 *   cookie (`nl_login.<state>`, `__Host-` and `Secure` on https): a callback URL opened in another
 *   browser finds nothing. The session then holds only the signed-in user. `memory` serves one
 *   instance; `redis` (the `REDIS_URL` server) and `postgres` (the `DATABASE_URL` one) serve several.
 */
export type LoginStore = (typeof LOGIN_STORES)[number];

/** Logins in flight a store keeps at most: anyone can start one, so the store is bounded. */
const MAX_PENDING_LOGINS = 100_000;

/** The connections a store may need, opened for the sessions. */
export interface StoreConnections {
  readonly redis: RedisClient | undefined;
  readonly postgres: PostgresPool | undefined;
}

/** True for a {@link LoginStore}. */
export function isLoginStore(value: unknown): value is LoginStore {
  return (LOGIN_STORES as readonly unknown[]).includes(value);
}

/**
 * The store of `kind` on the connections it needs, or `undefined` for the session. A PostgreSQL
 * store first creates its table (neverlose-postgres's `migrate`, under an advisory lock, so
 * instances starting together take turns).
 */
export async function openLoginStore(
  kind: LoginStore,
  { redis, postgres }: StoreConnections,
): Promise<TransactionStore | undefined> {
  switch (kind) {
    case 'session':
      return undefined;
    case 'memory':
      return new MemoryTransactionStore({ maxEntries: MAX_PENDING_LOGINS });
    case 'redis':
      if (redis === undefined) {
        throw new Error('Invalid option "loginStore": "redis" needs "redisUrl" (REDIS_URL).');
      }
      return new RedisTransactionStore(redis, {
        prefix: 'neverlose-example:',
        maxEntries: MAX_PENDING_LOGINS,
      });
    case 'postgres':
      if (postgres === undefined) {
        throw new Error(
          'Invalid option "loginStore": "postgres" needs "databaseUrl" (DATABASE_URL).',
        );
      }
      await migrate(postgres);
      return new PostgresTransactionStore(postgres, { maxEntries: MAX_PENDING_LOGINS });
  }
}
