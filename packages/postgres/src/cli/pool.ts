import { UsageError } from '@neverlose-toolkit/internal/cli';
import type { PostgresPool } from '../client.js';
import { NeverlosePostgresError } from '../errors.js';

/** A pool of one connection that the command ends once done. */
export type CommandPool = PostgresPool & { end(): Promise<void> };

/**
 * Opens a pool of one connection to the database of `--url` (or `DATABASE_URL`), loading the
 * optional `pg` peer only now.
 *
 * @throws {UsageError} when no database is named.
 * @throws {NeverlosePostgresError} `ERR_POSTGRES_DRIVER_UNAVAILABLE` when `pg` is not installed.
 */
export async function openPool(url: string | undefined): Promise<CommandPool> {
  if (!url) throw new UsageError('give --url or set DATABASE_URL.');
  let pg: { Pool: new (config: { connectionString: string; max: number }) => unknown };
  try {
    // A variable specifier keeps bundlers from resolving the optional peer at build time.
    const specifier = 'pg';
    const module = (await import(specifier)) as { default?: typeof pg } & typeof pg;
    pg = module.default ?? module;
  } catch (cause) {
    throw new NeverlosePostgresError(
      'ERR_POSTGRES_DRIVER_UNAVAILABLE',
      'The neverlose-postgres command needs the "pg" package: run "npm install pg".',
      { cause },
    );
  }
  return new pg.Pool({ connectionString: url, max: 1 }) as CommandPool;
}
