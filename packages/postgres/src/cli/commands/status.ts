import { EXIT_FAILED, EXIT_OK } from '@neverlose-toolkit/internal/cli';
import { Database } from '../../client.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { tableNames } from '../../options.js';
import type { CommandContext } from '../io.js';
import { openPool } from '../pool.js';

/** `neverlose-postgres status`: prints the applied and missing migrations; exits 1 when any lacks. */
export async function statusCommand({ url, tables, io }: CommandContext): Promise<number> {
  const pool = await openPool(url);
  try {
    const rows = await new Database(pool).run(
      `SELECT coalesce(array_agg(version ORDER BY version), '{}') AS versions FROM ${tableNames(tables).migrations}`,
    );
    const applied = new Set((rows[0]?.['versions'] as number[] | undefined) ?? []);
    const missing = MIGRATIONS.filter((m) => !applied.has(m.version)).map((m) => m.version);
    io.out(
      `Applied: ${[...applied].join(', ') || 'none'}. Missing: ${missing.join(', ') || 'none'}.\n`,
    );
    return missing.length === 0 ? EXIT_OK : EXIT_FAILED;
  } finally {
    await pool.end();
  }
}
