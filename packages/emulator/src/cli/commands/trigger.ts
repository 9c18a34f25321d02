import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  parseFlags,
  stringFlag,
  UsageError,
  urlFlag,
} from '@neverlose-toolkit/internal/cli';
import { createTestWebhook, type TestWebhookEvent } from 'neverlose-market/webhooks';

export const TRIGGER_HELP = `Usage: neverlose-emulator trigger <purchase|transfer> --to URL [options]

Sends one webhook of that kind to URL, signed exactly as Neverlose signs it, and prints the
answer: for testing a webhook receiver without buying anything. No emulator needs to be running.

Options:
  --to URL             where to POST it (your receiver)
  --secret KEY         the market API key that signs it (default: $NEVERLOSE_API_KEY, else the
                       demo seed's key of the account that receives the kind: emulator-shop-key
                       for purchase, emulator-reseller-key for transfer)
  --username NAME      the buyer or sender (default alice)
  --amount NLE         a decimal (default 1), sent as a float as Neverlose sends it (1.0)
  --item-id CODE       the item bought (purchase; default E3yugw)
  --unique-id N        the event's unique_id (default a new one: send the same N twice to test
                       that a redelivery is handled once)
  --sign-kind          sign "kind" too (by default it is left out, as in the docs' examples)
  --integer-amount     write an integral amount as 1 instead of 1.0 (signed as 1.0, as in the
                       docs' transfer example)
  --json               print the body sent and the answer as one JSON line
  -h, --help           show this help

Exit status: 0 when the receiver answered 2xx, 1 otherwise (the status and body are printed),
2 for bad usage.
`;

/** The flags of `trigger` (`parseArgs` options). */
export const TRIGGER_OPTIONS = {
  to: { type: 'string' },
  secret: { type: 'string' },
  username: { type: 'string' },
  amount: { type: 'string' },
  'item-id': { type: 'string' },
  'unique-id': { type: 'string' },
  'sign-kind': { type: 'boolean' },
  'integer-amount': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The demo seed's key of the account that receives each kind. */
const DEMO_SECRETS = { purchase: 'emulator-shop-key', transfer: 'emulator-reseller-key' } as const;

/** `neverlose-emulator trigger <kind> --to URL`: sends one signed webhook and prints the answer. */
export async function triggerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === '--help' || kind === '-h' || (kind !== undefined && rest.includes('--help'))) {
    io.out(TRIGGER_HELP);
    return EXIT_OK;
  }
  if (kind !== 'purchase' && kind !== 'transfer')
    throw new UsageError(
      `trigger needs a kind, purchase or transfer, ${kind === undefined ? 'and got none' : `not ${JSON.stringify(kind)}`}`,
    );
  const { values } = parseFlags(rest, TRIGGER_OPTIONS);
  const to = stringFlag(values, 'to');
  if (to === undefined) throw new UsageError('--to URL is required: where to send the webhook');
  urlFlag(to, '--to');
  const amount = stringFlag(values, 'amount') ?? '1';
  if (!/^(?:0|[1-9]\d*)(?:\.\d+)?$/.test(amount))
    throw new UsageError(`--amount must be a decimal such as 2.5, not ${JSON.stringify(amount)}`);
  const uniqueIdText = stringFlag(values, 'unique-id');
  if (uniqueIdText !== undefined && !/^(?:0|[1-9]\d{0,14})$/.test(uniqueIdText))
    throw new UsageError(
      `--unique-id must be a non-negative integer, not ${JSON.stringify(uniqueIdText)}`,
    );
  const username = stringFlag(values, 'username') ?? 'alice';
  const common = {
    username,
    amount,
    ...(uniqueIdText === undefined ? {} : { uniqueId: Number(uniqueIdText) }),
  };
  const event: TestWebhookEvent =
    kind === 'purchase'
      ? { kind, ...common, itemId: stringFlag(values, 'item-id') ?? 'E3yugw' }
      : { kind, ...common };
  if (kind === 'transfer' && values['item-id'] !== undefined)
    throw new UsageError('--item-id is for a purchase; a transfer has no item');
  const webhook = createTestWebhook(event, {
    secret: stringFlag(values, 'secret') ?? (io.env['NEVERLOSE_API_KEY'] || DEMO_SECRETS[kind]),
    signKind: values['sign-kind'] === true,
    integralAmount: values['integer-amount'] === true ? 'integer' : 'float',
  });

  let response: Response;
  try {
    response = await fetch(webhook.request(to), { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    io.err(
      `neverlose-emulator trigger: cannot reach ${to} (${cause?.code ?? cause?.message ?? (error as Error).message})\n`,
    );
    return EXIT_FAILED;
  }
  const answer = (await response.text()).slice(0, 1024);
  if (values['json'] === true) {
    io.out(
      `${JSON.stringify({ kind, url: to, body: webhook.body, status: response.status, answer })}\n`,
    );
  } else {
    io.out(`POST ${to}\n${webhook.body}\n`);
    io.out(`${response.status} ${answer}\n`);
  }
  return response.ok ? EXIT_OK : EXIT_FAILED;
}
