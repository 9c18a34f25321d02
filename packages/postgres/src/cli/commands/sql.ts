import { EXIT_OK } from '@neverlose-toolkit/internal/cli';
import { migrationSql } from '../../migrate.js';
import type { CommandContext } from '../io.js';

/** `neverlose-postgres sql`: prints the SQL of every migration; needs no database. */
export async function sqlCommand({ tables, io }: CommandContext): Promise<number> {
  io.out(migrationSql(tables));
  return EXIT_OK;
}
