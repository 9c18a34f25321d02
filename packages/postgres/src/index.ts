export {
  type IsolationLevel,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryable,
  type PostgresQueryResult,
  withTransaction,
} from './client.js';
export {
  isNeverlosePostgresError,
  NeverlosePostgresError,
  type NeverlosePostgresErrorCode,
} from './errors.js';
export { type MigrationReport, migrate, migrationSql } from './migrate.js';
export type {
  PostgresAdapterOptions,
  PostgresDurableAdapterOptions,
  PostgresTableOptions,
} from './options.js';
