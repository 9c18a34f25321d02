import {
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  parseFlags,
  stringFlag,
  stringsFlag,
  UsageError,
  urlFlag,
} from '@neverlose-toolkit/internal/cli';
import { type WebhookReport, webhookReportLine } from '../../webhooks/report.js';
import { readServerSentEvents } from '../event-stream.js';
import { untilSignal } from '../signals.js';

export const LISTEN_HELP = `Usage: neverlose-emulator listen [--forward-to URL] [options]

Prints the webhook deliveries of a running emulator as they happen: each delivery (kind, target,
body) and each attempt (status, time, retry). With --forward-to, first points the webhooks of the
market accounts at URL (both kinds), and puts the previous URLs back on exit (Ctrl-C).

Options:
  --url URL            the emulator (default http://127.0.0.1:4010)
  --forward-to URL     send the market accounts' webhooks to URL while listening
  --user-id N          only this market account's webhooks (default every account); repeatable
  --admin-token T      the emulator's --admin-token, if it has one
  --json               print each report as one JSON line instead of text
  -h, --help           show this help

Replay a delivery: curl -X POST <emulator>/admin/api/webhooks/<id>/replay \\
  -H 'content-type: application/json'
`;

/** The flags of `listen` (`parseArgs` options). */
export const LISTEN_OPTIONS = {
  url: { type: 'string' },
  'forward-to': { type: 'string' },
  'user-id': { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface AccountWebhooks {
  readonly userId: number;
  readonly webhooks: { readonly purchase?: string; readonly transfer?: string };
}

/** The emulator's admin API, as this command uses it. */
class AdminClient {
  constructor(
    readonly base: string,
    private readonly token: string | undefined,
  ) {}

  headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    return headers;
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/admin/api${path}`, {
        method,
        headers: this.headers(),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `cannot reach the emulator at ${this.base} (${cause?.code ?? cause?.message ?? (error as Error).message}); is it running? (--url)`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const hint = response.status === 401 ? ' (--admin-token)' : '';
      throw new Error(`${method} /admin/api${path}: ${response.status} ${text}${hint}`);
    }
    return JSON.parse(text) as unknown;
  }
}

/** `neverlose-emulator listen`: prints webhook reports until SIGINT or SIGTERM. */
export async function listenCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, LISTEN_OPTIONS);
  if (values['help'] === true) {
    io.out(LISTEN_HELP);
    return EXIT_OK;
  }
  const base = urlFlag(stringFlag(values, 'url') ?? 'http://127.0.0.1:4010', '--url').replace(
    /\/+$/,
    '',
  );
  const forwardTo = stringFlag(values, 'forward-to');
  if (forwardTo !== undefined) urlFlag(forwardTo, '--forward-to');
  const userIds = stringsFlag(values, 'user-id').map((text) => {
    if (!/^[1-9]\d{0,14}$/.test(text))
      throw new UsageError(`--user-id must be a positive integer, not ${JSON.stringify(text)}`);
    return Number(text);
  });
  const json = values['json'] === true;
  const admin = new AdminClient(base, stringFlag(values, 'admin-token'));
  const print = (line: string) => io.out(`${line}\n`);

  let restore: AccountWebhooks[] = [];
  const events = new AbortController();
  try {
    const accounts = (await admin.call('GET', '/market-accounts')) as AccountWebhooks[];
    const chosen =
      userIds.length === 0 ? accounts : accounts.filter((a) => userIds.includes(a.userId));
    const missing = userIds.filter((id) => !accounts.some((a) => a.userId === id));
    if (missing.length > 0)
      throw new UsageError(`--user-id ${missing.join(', ')}: no such market account`);
    if (forwardTo !== undefined) {
      for (const account of chosen) {
        await admin.call('PATCH', `/market-accounts/${account.userId}`, {
          webhooks: { purchase: forwardTo, transfer: forwardTo },
        });
        restore.push(account);
      }
      print(
        `Forwarding the webhooks of user${chosen.length === 1 ? '' : 's'} ${chosen.map((a) => a.userId).join(', ')} to ${forwardTo}`,
      );
    }
    const response = await fetch(`${base}/admin/api/webhooks/events`, {
      headers: admin.headers(),
      signal: events.signal,
    });
    if (!response.ok || response.body === null)
      throw new Error(
        `GET /admin/api/webhooks/events: ${response.status} ${await response.text()}`,
      );
    print(`Listening for webhook deliveries of ${base} (Ctrl-C to stop)`);
    if (forwardTo === undefined && chosen.every((a) => Object.keys(a.webhooks).length === 0))
      print('Note: no market account has a webhook URL, so none is sent; add --forward-to URL');
    const stream = (async () => {
      for await (const event of readServerSentEvents(
        response.body as unknown as AsyncIterable<Uint8Array>,
      )) {
        if (event.event !== 'queued' && event.event !== 'attempted') continue;
        print(json ? event.data : webhookReportLine(JSON.parse(event.data) as WebhookReport));
      }
      return 'closed' as const;
    })().catch(() => 'closed' as const);
    const outcome = await Promise.race([stream, untilSignal(events.signal)]);
    events.abort();
    if (outcome === 'closed') {
      io.err('neverlose-emulator listen: the emulator closed the stream (stopped?)\n');
      restore = [];
      return EXIT_FAILED;
    }
    return EXIT_OK;
  } finally {
    events.abort();
    for (const account of restore) {
      await admin
        .call('PATCH', `/market-accounts/${account.userId}`, {
          webhooks: {
            purchase: account.webhooks.purchase ?? null,
            transfer: account.webhooks.transfer ?? null,
          },
        })
        .then(
          () => print(`Restored the webhook URLs of user ${account.userId}`),
          (error: unknown) =>
            io.err(
              `neverlose-emulator listen: could not restore the webhooks of user ${account.userId}: ${(error as Error).message}\n`,
            ),
        );
    }
  }
}
