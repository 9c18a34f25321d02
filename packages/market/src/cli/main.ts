import { answerHelpOrVersion, EXIT_OK, EXIT_USAGE, launch } from '@neverlose-toolkit/internal/cli';
import manifest from '../../package.json' with { type: 'json' };
import { callCommand, callHelp } from './commands/call.js';
import { pricesCommand, pricesHelp } from './commands/prices.js';
import { signCommand, signHelp } from './commands/sign.js';
import { verifyCommand, verifyHelp } from './commands/verify.js';
import { webhookCommand, webhookHelp } from './commands/webhook.js';
import { type CliIo, processIo } from './io.js';

interface Command {
  readonly summary: string;
  readonly help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Every subcommand, by name. Add new ones here. */
export const commands: Record<string, Command> = {
  sign: {
    summary: 'print the signature of a JSON object read on stdin',
    help: signHelp,
    run: signCommand,
  },
  verify: {
    summary: 'check the signature of a JSON object read on stdin',
    help: verifyHelp,
    run: verifyCommand,
  },
  call: {
    summary: 'call a market API method (gift-product, get-balance...)',
    help: callHelp,
    run: callCommand,
  },
  webhook: {
    summary: 'verify a webhook body read on stdin (webhook verify)',
    help: webhookHelp,
    run: webhookCommand,
  },
  prices: {
    summary: 'validate or push a reseller prices file',
    help: pricesHelp,
    run: pricesCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: nl-market <command> [options]

Neverlose market API from the command line.

Commands:
${lines.join('\n')}

The secret (your market API key) comes from --secret or the environment variable NEVERLOSE_API_KEY,
the user id from --user-id or NEVERLOSE_USER_ID, the API root from --base-url or NEVERLOSE_MARKET_URL.
Run "nl-market <command> --help" for a command's options, "nl-market --version" for the version.
`;
}

/**
 * Runs `nl-market` with the given arguments and returns the exit code: 0 success, 1 a negative
 * answer (an invalid signature), 2 bad usage or input, with a one-line reason on stderr.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  const answered = answerHelpOrVersion(io, {
    bin: 'nl-market',
    version: manifest.version,
    help: mainHelp(),
    wantsHelp: name === '--help' || name === '-h' || name === 'help',
    wantsVersion: name === '--version' || name === '-v' || name === 'version',
    hasCommand: name !== undefined,
  });
  if (answered !== undefined || name === undefined) return answered ?? EXIT_USAGE;
  const command = commands[name];
  if (command === undefined || !Object.hasOwn(commands, name)) {
    io.err(`nl-market: unknown command "${name}"; run "nl-market --help"\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`nl-market ${name}: ${oneLine(error)}\n`);
    return EXIT_USAGE;
  }
}

/** A usage error, a coded market error or anything else: its message, on one line. */
function oneLine(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The bin's entry: {@link run} with the process's arguments, its exit code the process's. */
export const main = (): Promise<void> => launch('nl-market', run);
