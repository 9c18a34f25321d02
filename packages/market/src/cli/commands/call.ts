import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from '@neverlose-toolkit/internal/cli';
import { MarketApiError } from '../../client/errors.js';
import { MarketClient } from '../../client/market-client.js';
import { MARKET_METHODS, type MarketMethodName } from '../../client/methods.js';
import { isNeverloseMarketError } from '../../errors/index.js';
import { openSqliteIdJournal } from '../../sqlite/id-journal.js';
import { ACCOUNT_FLAGS, type CliIo, readTextArgument, resolveAccount, toJson } from '../io.js';
export const callHelp = `Usage: nl-market call <method> [parameters] [options]

Calls one market API method, signed, with retries, and prints the result.

Methods and their parameters:
  give-for-free           --username U --code C [--id ID] [--key K]
  transfer-money          --username U --amount 2.5 [--id ID] [--key K]
  gift-product            --username U --product cs2 (--days 30|90|180|365 | --cnt 0-3) [--id ID] [--key K]
  get-prices              --product cs2
  is-user-invited         --username U --product cs2
  is-user-exists          --username U
  get-balance
  integration-visibility  --integration-id N --public true|false
  set-reseller-prices     --integration-id N --prices FILE|JSON

Parameters may also be given as one JSON object: --params '{"username":"darth","code":"E3yugw"}'
(camelCase or the API's names, such as integration_id and is_public).

Options:
  --user-id N        Your market user id (default: $NEVERLOSE_USER_ID).
  --secret KEY       Your market API key (default: $NEVERLOSE_API_KEY).
  --base-url URL     API root (default: $NEVERLOSE_MARKET_URL, else
                     https://user-api.neverlose.cc/api/market).
  --legacy-endpoint  Use the old root https://neverlose.cc/api/market.
  --timeout MS       Time limit of each attempt (default: 10000).
  --retries N        Retries of network errors, timeouts and 5xx (default: 3).
  --journal FILE     Record actions in an SQLite id journal (node:sqlite on Node.js 22.13+, Bun and
                     Deno; better-sqlite3 elsewhere): a --key keeps its request id and parameters,
                     a repeat with other parameters is refused, and a completed key answers from
                     the journal without sending.
  --json             Print the result as JSON.

Business keys (--key K, for give-for-free, transfer-money and gift-product):
  A key names one operation per method, with or without --journal: one order may have one
  transfer-money and one gift-product under the same --key. Running the same command with the
  same --key never applies it twice. Without --journal the request id is derived from the method
  and the key, so a repeat carries the same id and the API refuses it ("Invalid id."), printed as
  already-completed. Without a journal the parameters of a repeated key are not compared: a repeat
  with another amount or user is also reported already-completed and not sent. An explicit --id
  wins over --key.

Exit status: 0 done, 1 the API refused, 2 bad usage or no answer (a one-line reason on stderr).
`;

const PARAMS: Record<MarketMethodName, readonly string[]> = {
  'give-for-free': ['username', 'code', 'id', 'key'],
  'transfer-money': ['username', 'amount', 'id', 'key'],
  'gift-product': ['username', 'product', 'cnt', 'days', 'id', 'key'],
  'get-prices': ['product'],
  'is-user-invited': ['username', 'product'],
  'is-user-exists': ['username'],
  'get-balance': [],
  'integration-visibility': ['integrationId', 'isPublic'],
  'set-reseller-prices': ['integrationId', 'prices'],
};

const API_NAMES: Record<string, string> = {
  integration_id: 'integrationId',
  is_public: 'isPublic',
};

export async function callCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...ACCOUNT_FLAGS,
      timeout: { type: 'string' },
      retries: { type: 'string' },
      journal: { type: 'string' },
      json: { type: 'boolean' },
      params: { type: 'string' },
      username: { type: 'string' },
      code: { type: 'string' },
      amount: { type: 'string' },
      product: { type: 'string' },
      cnt: { type: 'string' },
      days: { type: 'string' },
      'integration-id': { type: 'string' },
      public: { type: 'string' },
      prices: { type: 'string' },
      id: { type: 'string' },
      key: { type: 'string' },
    },
    { allowPositionals: true },
  );
  const [method, ...extra] = positionals;
  if (method === undefined) throw new UsageError(`name a method: ${MARKET_METHODS.join(', ')}`);
  if (!(MARKET_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`unknown method "${method}" (methods: ${MARKET_METHODS.join(', ')})`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const name = method as MarketMethodName;

  const params: Record<string, unknown> =
    values.params === undefined ? {} : parseParams(values.params);
  const flag = (key: string, value: unknown) => {
    if (value !== undefined) params[key] = value;
  };
  flag('username', values.username);
  flag('code', values.code);
  flag('amount', values.amount);
  flag('product', values.product);
  flag('cnt', integer('--cnt', values.cnt));
  flag('days', integer('--days', values.days));
  flag('integrationId', integer('--integration-id', values['integration-id']));
  flag('isPublic', boolean('--public', values.public));
  flag('id', values.id);
  flag('key', values.key);
  if (values.prices !== undefined) {
    params['prices'] = values.prices.trimStart().startsWith('{')
      ? values.prices
      : await readTextArgument(values.prices, io);
  }
  const unexpected = Object.keys(params).filter((key) => !PARAMS[name].includes(key));
  if (unexpected.length > 0) {
    throw new UsageError(
      `${name} takes ${PARAMS[name].join(', ') || 'no parameters'}; unexpected: ${unexpected.join(', ')}`,
    );
  }

  const account = resolveAccount(values, io);
  const journal =
    values.journal === undefined ? undefined : await openSqliteIdJournal(values.journal);
  try {
    const client = new MarketClient({
      ...account,
      timeoutMs: integer('--timeout', values.timeout),
      retries: integer('--retries', values.retries),
      journal,
    });
    let result: unknown;
    try {
      result = await client.call(name, params);
    } catch (error) {
      if (
        error instanceof MarketApiError ||
        (isNeverloseMarketError(error) && error.code === 'ERR_PRICES_INVALID')
      ) {
        // The message names the method already ("gift-product: the API answered ...").
        io.err(`nl-market call: ${error.message}\n`);
        if (values.json)
          io.out(`${toJson({ ok: false, code: error.code, message: error.message })}\n`);
        return EXIT_FAILED;
      }
      throw error;
    }
    io.out(values.json ? `${toJson(result)}\n` : readable(name, result));
    return EXIT_OK;
  } finally {
    journal?.close();
  }
}

function parseParams(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--params must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError('--params must be a JSON object');
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'user_id' || key === 'signature')
      throw new UsageError(`--params must not contain "${key}": the client adds it`);
    params[API_NAMES[key] ?? key] =
      key === 'prices' && typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return params;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new UsageError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function boolean(name: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new UsageError(`${name} must be true or false`);
  return text === 'true';
}

function readable(method: MarketMethodName, result: unknown): string {
  const r = result as Record<string, unknown>;
  if (r['status'] === 'completed' || r['status'] === 'already-completed') {
    const attempts = r['fromJournal']
      ? 'from the journal, nothing sent'
      : `${r['attempts']} attempt(s)`;
    const note = r['status'] === 'already-completed' ? ' (applied by an earlier attempt)' : '';
    return `${method}: ${r['status']}${note}, id ${String(r['id'])}, ${attempts}\n`;
  }
  if (r['status'] === 'ok') return `${method}: ok\n`;
  if (method === 'get-prices') {
    const plans = r['plans'] as { days: number; cnt: number; prices: Record<string, number> }[];
    const lines = plans.map(
      (plan) =>
        `  ${String(plan.days).padStart(3)} days (cnt ${plan.cnt})  ${Object.entries(plan.prices)
          .map(([currency, price]) => `${price} ${currency.toUpperCase()}`)
          .join('  ')}`,
    );
    return `${lines.join('\n')}\n`;
  }
  const shown = Object.entries(r).filter(([key]) => key !== 'reply');
  return `${shown.map(([key, value]) => `${key}: ${String(value)}`).join('\n')}\n`;
}
