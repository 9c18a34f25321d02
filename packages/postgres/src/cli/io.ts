import type { CliIo } from '@neverlose-toolkit/internal/cli';
import type { PostgresTableOptions } from '../options.js';

/** What every command gets: the flags that name the database and its tables, and where to write. */
export interface CommandContext {
  /** `--url`, else `DATABASE_URL`, else `undefined`. */
  readonly url: string | undefined;
  readonly tables: PostgresTableOptions;
  readonly io: CliIo;
}
