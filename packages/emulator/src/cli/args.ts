import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad invocation: printed as one line naming the flag, then a pointer to `--help`; exit 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * Parses flags with `node:util`'s `parseArgs`, turning its errors into one sentence that names
 * the flag, and refusing a flag given twice unless it is `multiple`.
 *
 * @throws {UsageError}
 */
export function parseFlags(argv: readonly string[], options: Options): Values {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
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
  return parsed.values as Values;
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
export function stringFlag(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string flag. */
export function stringsFlag(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An absolute http(s) URL given to `flag`. @throws {UsageError} */
export function urlFlag(value: string, flag: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new UsageError(`${flag} must be an absolute http(s) URL, not ${JSON.stringify(value)}`);
  return value;
}
