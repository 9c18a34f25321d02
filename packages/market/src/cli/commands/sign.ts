import { EXIT_OK, parseFlags } from '@neverlose-toolkit/internal/cli';
import { signingString, signPayload } from '../../signing/sign.js';
import { type CliIo, readPayload, resolveSecret } from '../io.js';

export const signHelp = `Usage: nl-market sign [--secret KEY] [--show-string] < payload.json

Reads one JSON object on stdin and prints its signature (64 hex characters), computed as the
provider's Python reference computes it from that exact text. A "signature" field is ignored.

Options:
  --secret KEY     The market API key (default: $NEVERLOSE_API_KEY; prefer the variable, since
                   arguments are visible to other users of the machine).
  --show-string    Also print, on stderr, the string that is hashed (without the secret).
`;

export async function signCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    secret: { type: 'string' },
    'show-string': { type: 'boolean' },
  });
  const secret = resolveSecret(values.secret, io);
  const payload = await readPayload(io);
  const signature = signPayload(payload, secret);
  if (values['show-string']) io.err(`${signingString(payload)}\n`);
  io.out(`${signature}\n`);
  return EXIT_OK;
}
