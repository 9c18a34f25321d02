import {
  type CliIo as CommandLineIo,
  processIo as processOutput,
  UsageError,
} from '@neverlose-toolkit/internal/cli';
import { LEGACY_MARKET_API_BASE_URL } from '../client/options.js';

/** What a command may touch: the shared output and environment, and stdin. */
export interface CliIo extends CommandLineIo {
  readStdin(): Promise<string>;
  /** Whether stdin is an interactive terminal (then nothing is piped in). */
  readonly stdinIsTty: boolean;
}

export function processIo(): CliIo {
  return {
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    ...processOutput(),
    stdinIsTty: process.stdin.isTTY === true,
  };
}

/** The secret from `--secret`, else `NEVERLOSE_API_KEY`. */
export function resolveSecret(flag: string | undefined, io: CliIo): string {
  const secret = flag ?? io.env['NEVERLOSE_API_KEY'];
  if (secret === undefined || secret === '') {
    throw new UsageError('no secret: pass --secret or set NEVERLOSE_API_KEY');
  }
  return secret;
}

/** Reads the JSON payload from stdin; refuses to wait on a terminal. */
export async function readPayload(io: CliIo): Promise<string> {
  if (io.stdinIsTty)
    throw new UsageError(
      'pipe a JSON object on stdin, e.g. echo \'{"user_id":1}\' | nl-market sign',
    );
  const text = await io.readStdin();
  if (text.trim() === '') throw new UsageError('stdin is empty: expected a JSON object');
  return text.replace(/^\uFEFF/, '').trim();
}

/**
 * The API root: `--legacy-endpoint`, else `--base-url`, else `NEVERLOSE_MARKET_URL`, else the
 * client's default (`undefined`).
 */
export function resolveBaseUrl(
  flag: string | undefined,
  legacy: boolean | undefined,
  io: CliIo,
): string | undefined {
  if (legacy && flag !== undefined) {
    throw new UsageError('give --base-url or --legacy-endpoint, not both');
  }
  if (legacy) return LEGACY_MARKET_API_BASE_URL;
  const value = flag ?? io.env['NEVERLOSE_MARKET_URL'];
  return value === '' ? undefined : value;
}

/** The market user id from `--user-id`, else `NEVERLOSE_USER_ID`. */
export function resolveUserId(flag: string | undefined, io: CliIo): number | bigint {
  const text = flag ?? io.env['NEVERLOSE_USER_ID'];
  if (text === undefined || text === '') {
    throw new UsageError('no user id: pass --user-id or set NEVERLOSE_USER_ID');
  }
  if (!/^[1-9]\d*$/.test(text))
    throw new UsageError(`the user id must be a positive integer, got ${JSON.stringify(text)}`);
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** JSON for `--json` output: bigints as numbers' digits, dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) => (typeof item === 'bigint' ? item.toString() : item),
    2,
  );
}

/** Reads a file argument as UTF-8 text (`-` reads stdin). */
export async function readTextArgument(path: string, io: CliIo): Promise<string> {
  if (path === '-') return readPayload(io);
  const { readFile } = await import('node:fs/promises');
  try {
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** The flags of the account a command calls the API as (`call`, `prices push`). */
export const ACCOUNT_FLAGS = {
  'user-id': { type: 'string' },
  secret: { type: 'string' },
  'base-url': { type: 'string' },
  'legacy-endpoint': { type: 'boolean' },
} as const;

/** The values of {@link ACCOUNT_FLAGS} as parsed. */
export interface AccountFlagValues {
  readonly 'user-id'?: string | undefined;
  readonly secret?: string | undefined;
  readonly 'base-url'?: string | undefined;
  readonly 'legacy-endpoint'?: boolean | undefined;
}

/**
 * The account a command calls the API as: the user id, secret and API root from their flags, else
 * from the environment (`NEVERLOSE_USER_ID`, `NEVERLOSE_API_KEY`, `NEVERLOSE_MARKET_URL`).
 */
export function resolveAccount(
  values: AccountFlagValues,
  io: CliIo,
): { userId: number | bigint; secret: string; baseUrl: string | undefined } {
  return {
    baseUrl: resolveBaseUrl(values['base-url'], values['legacy-endpoint'], io),
    userId: resolveUserId(values['user-id'], io),
    secret: resolveSecret(values.secret, io),
  };
}
