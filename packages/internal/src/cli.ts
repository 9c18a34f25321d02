import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * A bad invocation or input: the command prints its message as one line naming the flag and
 * exits with {@link EXIT_USAGE}. Never leaves the command line.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes every command line shares: done, failed or refused, bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command writes and the environment it reads, so that tests run commands in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

/** The process's own stdout, stderr and environment. */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

/**
 * Runs a command line as its bin does: `run` with the process's arguments (and its own default
 * `io`, the process's), its answer as the exit code; anything it throws is one line on stderr, `<bin>: <message>`, and exit code 2.
 *
 * @example
 * ```ts
 * export const main = () => launch('nl-market', run); // bin: import('../dist/cli/main.js').then((cli) => cli.main())
 * ```
 */
export async function launch(bin: string, run: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${bin}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

/** The flags a command accepts (`node:util` `parseArgs` options). */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;
/** The parsed flags, by name, typed after the options. */
export type FlagValues<O extends FlagOptions = FlagOptions> = ReturnType<
  typeof parseArgs<{ options: O; strict: true }>
>['values'];

/** The flags and the positional arguments of one command line. */
export interface ParsedFlags<O extends FlagOptions> {
  readonly values: FlagValues<O>;
  readonly positionals: string[];
}

/**
 * Parses flags with `node:util`'s `parseArgs`, turning its errors into one sentence that names
 * the flag, refusing a flag given twice unless it is `multiple` and a string flag given empty.
 * Positional arguments are refused unless `allowPositionals`.
 *
 * @throws {UsageError}
 */
export function parseFlags<const O extends FlagOptions>(
  argv: readonly string[],
  options: O,
  { allowPositionals = false }: { allowPositionals?: boolean } = {},
): ParsedFlags<O> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals, tokens: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name) && options[token.name]?.multiple !== true)
      throw new UsageError(`--${token.name} is given twice; give it once`);
    seen.add(token.name);
    if (options[token.name]?.type === 'string' && token.value === '')
      throw new UsageError(`--${token.name} needs a non-empty value`);
  }
  return { values: parsed.values as FlagValues<O>, positionals: parsed.positionals };
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  // "Unknown option '--x'", "Option '--port <value>' argument missing",
  // "Option '-h, --help' does not take an argument", "Unexpected argument 'x'".
  const quoted = /'(?:-[A-Za-z], )?([^' <]+)/.exec(message)?.[1];
  const flag = quoted?.startsWith('-') ? quoted : undefined;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag ?? message}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(message)) return `${flag ?? 'an option'} needs a value`;
    return `${flag ?? 'an option'} takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument ${JSON.stringify(quoted ?? message)}`;
  return message;
}

/** The one value of a string flag. */
export function stringFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string flag. */
export function stringsFlag(values: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An absolute http(s) URL given to `flag`. @throws {UsageError} */
export function urlFlag(value: string, flag: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new UsageError(`${flag} must be an absolute http(s) URL, not ${JSON.stringify(value)}`);
  return value;
}

/** The `--help` and `--version` flags every command line takes, with their short forms. */
export const HELP_AND_VERSION_FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies FlagOptions;

/** What `--version` prints: the command's name and its package's version, one line. */
export function versionLine(bin: string, version: string): string {
  return `${bin} ${version}\n`;
}

/** What a command line was asked before any command runs. */
export interface HelpOrVersionRequest {
  readonly bin: string;
  readonly version: string;
  readonly help: string;
  readonly wantsHelp: boolean;
  readonly wantsVersion: boolean;
  /** Whether a command was named (a command line whose default is a command passes `true`). */
  readonly hasCommand: boolean;
}

/**
 * The one `--help`/`--version` behaviour of every command line: `--version` prints
 * {@link versionLine} and `--help` the help, on stdout, exit 0; no command prints the help on
 * stderr, exit 2. Resolves with `undefined` when a command is to run.
 */
export function answerHelpOrVersion(io: CliIo, request: HelpOrVersionRequest): number | undefined {
  if (request.wantsVersion) {
    io.out(versionLine(request.bin, request.version));
    return EXIT_OK;
  }
  if (request.wantsHelp) {
    io.out(request.help);
    return EXIT_OK;
  }
  if (!request.hasCommand) {
    io.err(request.help);
    return EXIT_USAGE;
  }
  return undefined;
}
