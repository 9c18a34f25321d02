import { type PostgresPool, type PostgresQueryable, withTransaction } from './client.js';
import { MIGRATIONS } from './migrations/index.js';
import { type PostgresTableOptions, tableNames } from './options.js';

/** What {@link migrate} did. */
export interface MigrationReport {
  /** Versions applied by this call, oldest first (empty when the schema was up to date). */
  readonly applied: readonly number[];
  /** The schema's version now. */
  readonly version: number;
  /** Versions the database has that this package does not know (a newer release migrated it). */
  readonly unknown: readonly number[];
}

/**
 * Creates or updates the tables: applies every migration the database lacks, in order, in one
 * transaction. Safe to run from every instance at start-up, and from apps with other table
 * prefixes in the same schema: an advisory lock per schema makes concurrent callers take turns
 * (the schema is created once), and the second of one prefix finds nothing to do. Needs the right
 * to create tables (and the schema, when it is not `public`); the adapters themselves need only
 * `SELECT`, `INSERT`, `UPDATE` and `DELETE`.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool, { schema: 'shop' });
 * ```
 */
export async function migrate(
  pool: PostgresPool,
  options: PostgresMigrateOptions = {},
): Promise<MigrationReport> {
  const t = tableNames(options);
  return withTransaction(
    pool,
    async (tx) => {
      // One lock per schema, held until COMMIT: instances starting together take turns, and so
      // do apps with other prefixes, which would otherwise race on CREATE SCHEMA.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `neverlose-postgres:${t.schema}`,
      ]);
      if (t.schema !== 'public') await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.quotedSchema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = await appliedVersions(tx, t.migrations);
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await tx.query(migration.sql(t));
        await tx.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        applied.push(migration.version);
      }
      const known = new Set(MIGRATIONS.map((m) => m.version));
      const all = [...done, ...applied];
      return {
        applied,
        version: Math.max(0, ...all),
        unknown: [...done].filter((version) => !known.has(version)).sort((a, b) => a - b),
      };
    },
    { timeoutMs: options.timeoutMs ?? MIGRATE_TIMEOUT_MS },
  );
}

/** Options of {@link migrate}. */
export interface PostgresMigrateOptions extends PostgresTableOptions {
  /**
   * The whole migration, waiting for other instances' turns included, ends within this many
   * milliseconds, or fails with `ERR_POSTGRES_TIMEOUT` and changes nothing.
   *
   * @defaultValue `60000`
   */
  readonly timeoutMs?: number;
}

const MIGRATE_TIMEOUT_MS = 60_000;

/**
 * The SQL of every migration for these options, with the statements that record them: for an
 * operator who applies schema changes with their own tool (`neverlose-postgres sql`).
 */
export function migrationSql(options: PostgresTableOptions = {}): string {
  const t = tableNames(options);
  const parts = [
    t.schema === 'public' ? '' : `CREATE SCHEMA IF NOT EXISTS ${t.quotedSchema};\n`,
    `CREATE TABLE IF NOT EXISTS ${t.migrations} (\n  version integer PRIMARY KEY,\n  name text NOT NULL,\n  applied_at timestamptz NOT NULL DEFAULT now()\n);\n`,
  ];
  for (const migration of MIGRATIONS) {
    parts.push(
      `\n-- version ${migration.version}: ${migration.name}${migration.sql(t)}INSERT INTO ${t.migrations} (version, name) VALUES (${migration.version}, '${migration.name.replaceAll("'", "''")}');\n`,
    );
  }
  return `BEGIN;\n${parts.join('')}COMMIT;\n`;
}

async function appliedVersions(client: PostgresQueryable, table: string): Promise<Set<number>> {
  const { rows } = await client.query(`SELECT version FROM ${table}`);
  return new Set(rows.map((row) => Number(row['version'])));
}
