import {
  answerHelpOrVersion,
  type CliIo,
  EXIT_FAILED,
  EXIT_USAGE,
  HELP_AND_VERSION_FLAGS,
  launch,
  parseFlags,
  processIo,
  UsageError,
} from '@neverlose-toolkit/internal/cli';
import manifest from '../../package.json' with { type: 'json' };
import { isNeverlosePostgresError } from '../errors.js';
import type { PostgresTableOptions } from '../options.js';
import { migrateCommand } from './commands/migrate.js';
import { sqlCommand } from './commands/sql.js';
import { statusCommand } from './commands/status.js';
import type { CommandContext } from './io.js';

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

/** Every command, by name. */
const COMMANDS: Record<string, (context: CommandContext) => Promise<number>> = {
  migrate: migrateCommand,
  sql: sqlCommand,
  status: statusCommand,
};

const OPTIONS = {
  url: { type: 'string' },
  schema: { type: 'string' },
  'table-prefix': { type: 'string' },
  ...HELP_AND_VERSION_FLAGS,
} as const;

/** Runs the command line; resolves with the exit code (0 done, 1 failed, 2 usage). */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`neverlose-postgres: ${error.message}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const { command, values } = parsed;
  const answered = answerHelpOrVersion(io, {
    bin: 'neverlose-postgres',
    version: manifest.version,
    help: HELP,
    wantsHelp: values.help === true,
    wantsVersion: values.version === true,
    hasCommand: command !== undefined,
  });
  if (answered !== undefined || command === undefined) return answered ?? EXIT_USAGE;
  const execute = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (execute === undefined) {
    io.err(`neverlose-postgres: unknown command "${command}".\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const tables: PostgresTableOptions = {
    ...(values.schema === undefined ? {} : { schema: values.schema }),
    ...(values['table-prefix'] === undefined ? {} : { tablePrefix: values['table-prefix'] }),
  };
  try {
    return await execute({ url: values.url ?? io.env['DATABASE_URL'], tables, io });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`neverlose-postgres: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const code = isNeverlosePostgresError(error) ? `${error.code}: ` : '';
    io.err(`neverlose-postgres: ${code}${(error as Error).message ?? String(error)}\n`);
    return EXIT_FAILED;
  }
}

/** The command and its flags. @throws {UsageError} naming the flag or the extra argument. */
function parse(argv: readonly string[]) {
  const { positionals, values } = parseFlags(argv, OPTIONS, { allowPositionals: true });
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return { command: positionals[0], values };
}

/** The bin's entry: {@link run} with the process's arguments, its exit code the process's. */
export const main = (): Promise<void> => launch('neverlose-postgres', run);
