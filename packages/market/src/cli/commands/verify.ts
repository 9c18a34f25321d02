import { EXIT_FAILED, EXIT_OK, parseFlags } from '@neverlose-toolkit/internal/cli';
import { verifySignature } from '../../signing/index.js';
import { type CliIo, readPayload, resolveSecret } from '../io.js';
export const verifyHelp = `Usage: nl-market verify [--secret KEY] [--strict] < payload.json

Reads one JSON object carrying a "signature" field on stdin and checks it.

Exit status: 0 the signature is valid, 1 it is not, 2 bad input (a one-line reason on stderr).

Options:
  --secret KEY   The market API key (default: $NEVERLOSE_API_KEY).
  --strict       Accept only the exact request form; by default the webhook forms are accepted too
                 (signature without "kind", integral "amount" signed as a float such as 1.0).
`;

export async function verifyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { secret: { type: 'string' }, strict: { type: 'boolean' } });
  const secret = resolveSecret(values.secret, io);
  const payload = await readPayload(io);
  const valid = verifySignature(payload, secret, { strict: values.strict === true });
  io.out(valid ? 'valid\n' : 'invalid\n');
  return valid ? EXIT_OK : EXIT_FAILED;
}
