import { NeverlosePostgresError } from './errors.js';

/** Where the tables live: options every adapter and {@link migrate} take. */
export interface PostgresTableOptions {
  /**
   * The schema of every table. Created by `migrate()` when missing (unless it is `public`).
   *
   * @defaultValue `'public'`
   * @example `{ schema: 'shop' }`
   */
  readonly schema?: string;
  /**
   * Text before every table name, so several apps (or test runs) can share one schema:
   * `neverlose_market_journal`, `neverlose_webhook_dedup`... Lower-case letters, digits and `_`.
   *
   * @defaultValue `'neverlose_'`
   */
  readonly tablePrefix?: string;
}

/** Options of every adapter. */
export interface PostgresAdapterOptions extends PostgresTableOptions {
  /**
   * The clock, in milliseconds since the epoch: expiries and journal timestamps. For tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
  /**
   * Every call of the adapter ends within this many milliseconds: waiting for a pooled connection,
   * connecting, and each statement share it. Past it the call fails with `ERR_POSTGRES_TIMEOUT`,
   * and a statement that did not answer has its connection discarded. A journal call that timed
   * out sent nothing; a later call with the same key picks the operation up.
   *
   * Give the pool its own limits too (`connectionTimeoutMillis`, `query_timeout`), so connections
   * to a server that stopped answering are closed rather than kept.
   *
   * @defaultValue `5000`
   */
  readonly timeoutMs?: number;
}

/** Options of the adapters that keep money or replay state (journal, webhook dedup, tokens). */
export interface PostgresDurableAdapterOptions extends PostgresAdapterOptions {
  /**
   * Accept a server that acknowledges commits it may lose: `synchronous_commit = off` (the last
   * few hundred milliseconds of commits vanish on a server crash) or `fsync = off` (anything since
   * the last checkpoint may). A journal entry lost that way is a payment sent twice, a dedup
   * record lost is a webhook handled twice: leave this off outside throwaway test servers.
   *
   * @defaultValue `false`: the first write checks both settings and fails with
   * `ERR_POSTGRES_NOT_DURABLE`
   */
  readonly dangerouslyAllowNonDurableCommits?: boolean;
}

/** The fully qualified, quoted names of every table. */
export interface TableNames {
  readonly schema: string;
  readonly prefix: string;
  /** `"schema"."prefix…"` */
  readonly journal: string;
  readonly dedup: string;
  readonly tokens: string;
  readonly transactions: string;
  readonly sessionRevocations: string;
  readonly migrations: string;
  /** Quoted schema name. */
  readonly quotedSchema: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function configuration(message: string): never {
  throw new NeverlosePostgresError('ERR_INVALID_OPTION', message);
}

/** @internal Checks `schema` and `tablePrefix`, and names every table. */
export function tableNames(options: PostgresTableOptions = {}): TableNames {
  const schema = options.schema ?? 'public';
  const prefix = options.tablePrefix ?? 'neverlose_';
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema) || schema.length > 63) {
    configuration(
      'Invalid option "schema": lower-case letters, digits and "_", not starting with a digit, at most 63 characters.',
    );
  }
  if (
    typeof prefix !== 'string' ||
    (prefix !== '' && !IDENTIFIER.test(prefix)) ||
    prefix.length > 32
  ) {
    configuration(
      'Invalid option "tablePrefix": lower-case letters, digits and "_", not starting with a digit, at most 32 characters.',
    );
  }
  const table = (name: string) => `"${schema}"."${prefix}${name}"`;
  return {
    schema,
    prefix,
    journal: table('market_journal'),
    dedup: table('webhook_dedup'),
    tokens: table('reseller_tokens'),
    transactions: table('oidc_transactions'),
    sessionRevocations: table('oidc_session_revocations'),
    migrations: table('migrations'),
    quotedSchema: `"${schema}"`,
  };
}

/** @internal The default of every `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** @internal */
export function timeoutOption(value: number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value < 1 || value > 2_147_483_647) {
    configuration('Invalid option "timeoutMs": must be a positive integer of milliseconds.');
  }
  return value;
}

/** @internal */
export function clockOption(now: (() => number) | undefined): () => number {
  if (now !== undefined && typeof now !== 'function') {
    configuration('Invalid option "now": must be a function returning milliseconds.');
  }
  return now ?? Date.now;
}

/** @internal */
export function positiveIntegerOption(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    configuration(`Invalid option "${name}": must be a positive integer.`);
  }
  return value;
}

/** @internal */
export function functionOption<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    configuration(`Invalid option "${name}": must be a function.`);
  }
  return value;
}
