export {
  type IsolationLevel,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryable,
  type PostgresQueryResult,
  type TransactionOptions,
  withTransaction,
} from './client.js';
export {
  isNeverlosePostgresError,
  NeverlosePostgresError,
  type NeverlosePostgresErrorCode,
} from './errors.js';
export {
  type MigrationReport,
  migrate,
  migrationSql,
  type PostgresMigrateOptions,
} from './migrate.js';
export type {
  PostgresAdapterOptions,
  PostgresDurableAdapterOptions,
  PostgresTableOptions,
} from './options.js';
