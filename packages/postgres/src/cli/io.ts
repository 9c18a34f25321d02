import type { PostgresTableOptions } from '../options.js';

/** What a command writes to; the tests pass their own. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

/** What every command gets: the flags that name the database and its tables, and where to write. */
export interface CommandContext {
  /** `--url`, else `DATABASE_URL`, else `undefined`. */
  readonly url: string | undefined;
  readonly tables: PostgresTableOptions;
  readonly io: CliIo;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
