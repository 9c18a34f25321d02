import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from '@neverlose-toolkit/internal/cli';
import { WebhookError } from '../../webhooks/errors.js';
import { verifyWebhook } from '../../webhooks/verify.js';
import { type CliIo, readPayload, resolveSecret, toJson } from '../io.js';
export const webhookHelp = `Usage: nl-market webhook verify [--secret KEY]... [--json] < body.json

Reads a webhook body on stdin, exactly as received, and checks it as a server would: signature
(any of the secrets; repeat --secret during a key rotation), then the event's exact shape.

Exit status: 0 a valid event (printed), 1 refused (the reason and its code), 2 bad usage.

Options:
  --secret KEY   The market API key (default: $NEVERLOSE_API_KEY). May be repeated.
  --json         Print the event, or the refusal, as JSON.
`;

export async function webhookCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { secret: { type: 'string', multiple: true }, json: { type: 'boolean' } },
    { allowPositionals: true },
  );
  if (positionals[0] !== 'verify' || positionals.length !== 1)
    throw new UsageError('usage: nl-market webhook verify < body.json');
  const secrets = values.secret?.length ? values.secret : [resolveSecret(undefined, io)];
  const body = await readPayload(io);
  try {
    const event = verifyWebhook(body, secrets);
    if (values.json) io.out(`${toJson({ ok: true, event })}\n`);
    else {
      const item = event.kind === 'purchase' ? `, item ${event.itemId}` : '';
      io.out(
        `valid ${event.kind}: ${event.amountText} from ${event.username}, unique_id ${event.uniqueId}${item}\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof WebhookError)) throw error;
    if (values.json)
      io.out(
        `${toJson({ ok: false, code: error.code, status: error.status, message: error.message })}\n`,
      );
    else io.out(`refused (${error.code}, HTTP ${error.status}): ${error.message}\n`);
    return EXIT_FAILED;
  }
}
