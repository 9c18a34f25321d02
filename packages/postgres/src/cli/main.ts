import { parseArgs } from 'node:util';
import manifest from '../../package.json' with { type: 'json' };
import { Database, type PostgresPool } from '../client.js';
import { isNeverlosePostgresError, NeverlosePostgresError } from '../errors.js';
import { migrate, migrationSql } from '../migrate.js';
import { MIGRATIONS } from '../migrations/index.js';
import { type PostgresTableOptions, tableNames } from '../options.js';

/** What the command writes to; the tests pass their own. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

const HELP = `Usage: neverlose-postgres <command> [options]

Creates and updates the tables of neverlose-postgres.

Commands:
  migrate   apply every migration the database lacks (safe to run from several hosts at once)
  sql       print the SQL of every migration, to review it or apply it with your own tool
  status    print the schema's version and the migrations it lacks

Options:
  --url <url>             the database (default: the environment variable DATABASE_URL)
  --schema <name>         schema of the tables (default: public)
  --table-prefix <text>   text before every table name (default: neverlose_)
  -v, --version           print the name and version
  -h, --help              this text

migrate and status need the "pg" package (npm install pg).
`;

/** Runs the command line; resolves with the exit code (0 done, 1 failed, 2 usage). */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`neverlose-postgres: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { command, values } = parsed;
  if (values.version) {
    io.out(`neverlose-postgres ${manifest.version}\n`);
    return 0;
  }
  if (values.help || command === undefined) {
    (command === undefined && !values.help ? io.err : io.out)(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const tables: PostgresTableOptions = {
    ...(values.schema === undefined ? {} : { schema: values.schema }),
    ...(values['table-prefix'] === undefined ? {} : { tablePrefix: values['table-prefix'] }),
  };
  try {
    if (command === 'sql') {
      io.out(migrationSql(tables));
      return 0;
    }
    if (command !== 'migrate' && command !== 'status') {
      io.err(`neverlose-postgres: unknown command "${command}".\n\n${HELP}`);
      return 2;
    }
    const url = values.url ?? io.env['DATABASE_URL'];
    if (!url) {
      io.err('neverlose-postgres: give --url or set DATABASE_URL.\n');
      return 2;
    }
    const pool = await openPool(url);
    try {
      if (command === 'migrate') {
        const report = await migrate(pool, tables);
        io.out(
          report.applied.length === 0
            ? `Up to date at version ${report.version}.\n`
            : `Applied ${report.applied.map((v) => `version ${v}`).join(', ')}; now at version ${report.version}.\n`,
        );
      } else {
        const rows = await new Database(pool).run(
          `SELECT coalesce(array_agg(version ORDER BY version), '{}') AS versions FROM ${tableNames(tables).migrations}`,
        );
        const applied = new Set((rows[0]?.['versions'] as number[] | undefined) ?? []);
        const missing = MIGRATIONS.filter((m) => !applied.has(m.version)).map((m) => m.version);
        io.out(
          `Applied: ${[...applied].join(', ') || 'none'}. Missing: ${missing.join(', ') || 'none'}.\n`,
        );
        return missing.length === 0 ? 0 : 1;
      }
      return 0;
    } finally {
      await pool.end();
    }
  } catch (error) {
    const code = isNeverlosePostgresError(error) ? `${error.code}: ` : '';
    io.err(`neverlose-postgres: ${code}${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      schema: { type: 'string' },
      'table-prefix': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  return { command: positionals[0], values };
}

async function openPool(url: string): Promise<PostgresPool & { end(): Promise<void> }> {
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
  return new pg.Pool({ connectionString: url, max: 1 }) as PostgresPool & { end(): Promise<void> };
}

function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
