import { EXIT_OK } from '@neverlose-toolkit/internal/cli';
import { migrate } from '../../migrate.js';
import type { CommandContext } from '../io.js';
import { openPool } from '../pool.js';

/** `neverlose-postgres migrate`: applies every migration the database lacks. */
export async function migrateCommand({ url, tables, io }: CommandContext): Promise<number> {
  const pool = await openPool(url);
  try {
    const report = await migrate(pool, tables);
    io.out(
      report.applied.length === 0
        ? `Up to date at version ${report.version}.\n`
        : `Applied ${report.applied.map((v) => `version ${v}`).join(', ')}; now at version ${report.version}.\n`,
    );
    return EXIT_OK;
  } finally {
    await pool.end();
  }
}
