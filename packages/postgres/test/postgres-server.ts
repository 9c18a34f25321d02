// The test PostgreSQL of @neverlose-toolkit/test-support, migrated by this package's source.
import {
  startPostgres as startTestPostgres,
  type TestPostgres,
} from '@neverlose-toolkit/test-support/postgres-server';
import { migrate } from '../src/index.js';

export type { TestPostgres, TestTables } from '@neverlose-toolkit/test-support/postgres-server';

/** A PostgreSQL for one test file, its tables made by `migrate` of `src/`. */
export const startPostgres = (): Promise<TestPostgres> => startTestPostgres(migrate);
