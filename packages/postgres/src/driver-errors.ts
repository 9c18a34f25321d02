import {
  isNeverlosePostgresError,
  NeverlosePostgresError,
  type NeverlosePostgresErrorCode,
} from './errors.js';

/** @internal The SQLSTATE of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Node's codes of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * node-postgres and pg-pool report a lost or unusable connection by message alone; postgres.js
 * with `CONNECTION_*` codes.
 */
const LOST_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|write after end|This socket has been ended)|^CONNECTION_(CLOSED|ENDED|DESTROYED)$/;
const DRIVER_TIMEOUT =
  /^(timeout exceeded when trying to connect|Connection terminated due to connection timeout|Query read timeout)|^CONNECT_TIMEOUT$/;

/**
 * @internal The one place driver errors become ours: a store failure (by SQLSTATE, Node's network
 * codes, or the drivers' messages) becomes a coded {@link NeverlosePostgresError} with the
 * driver's error as `cause`. Anything else (a constraint your statement broke, an error of your
 * own code) passes through unchanged, so the caller can still read it.
 */
export function translateError(error: unknown): unknown {
  if (isNeverlosePostgresError(error)) return error;
  const state = sqlState(error);
  const failure = (code: NeverlosePostgresErrorCode, message: string) =>
    new NeverlosePostgresError(code, message, { cause: error });
  if (state !== undefined) {
    if (state === '42P01') {
      return failure(
        'ERR_POSTGRES_NOT_MIGRATED',
        'A neverlose-postgres table does not exist: run migrate() (or "npx neverlose-postgres migrate") with the same schema and tablePrefix first.',
      );
    }
    if (state === '25006') {
      return failure(
        'ERR_POSTGRES_READ_ONLY',
        'The server is read-only (a standby, or default_transaction_read_only): nothing was written. Point the pool at the primary.',
      );
    }
    if (state === '28P01' || state === '28000') {
      return failure(
        'ERR_POSTGRES_AUTH',
        `The server refused the credentials (${state}): check the user and password of the pool.`,
      );
    }
    if (state === '57014') {
      return failure(
        'ERR_POSTGRES_TIMEOUT',
        'The server cancelled the statement (statement_timeout, or a cancel request).',
      );
    }
    // 08: connection exception; 57P01-57P05: shut down, crashed, starting, idle too long;
    // 53: out of connections, memory or disk; 3D000: no such database.
    if (/^(08|57P0|53)/.test(state) || state === '3D000') {
      return failure(
        'ERR_POSTGRES_UNAVAILABLE',
        `The server cannot serve the request now (${state}: ${messageOf(error)}).`,
      );
    }
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = messageOf(error);
  if (DRIVER_TIMEOUT.test(message) || code === 'CONNECT_TIMEOUT') {
    return failure('ERR_POSTGRES_TIMEOUT', `The driver gave up waiting: ${message}.`);
  }
  if (
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    LOST_CONNECTION.test(message) ||
    (typeof code === 'string' && LOST_CONNECTION.test(code))
  ) {
    return failure(
      'ERR_POSTGRES_UNAVAILABLE',
      `No connection to the server: ${message || String(code)}.`,
    );
  }
  return error;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}
