import {
  type CliIo,
  EXIT_FAILED,
  EXIT_USAGE,
  launch,
  processIo,
  UsageError,
} from '@neverlose-toolkit/internal/cli';
import { LISTEN_HELP, listenCommand } from './commands/listen.js';
import { START_HELP, startCommand } from './commands/start.js';
import { TRIGGER_HELP, triggerCommand } from './commands/trigger.js';

/** The subcommands; without one, the emulator starts. */
const COMMANDS = {
  listen: listenCommand,
  trigger: triggerCommand,
} as const;

/**
 * Runs `neverlose-emulator` (start the emulator), `neverlose-emulator listen` (print its webhook
 * deliveries) or `neverlose-emulator trigger <kind> --to URL` (send one signed webhook); resolves
 * with the exit code once it stopped (SIGINT/SIGTERM): 0 after a signal or `--help`/`--version`,
 * 1 when it could not run (port in use, emulator or receiver unreachable, a receiver that did not
 * answer 2xx), 2 for bad usage, with a line naming the flag.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const command = Object.hasOwn(COMMANDS, argv[0] ?? '')
    ? (argv[0] as keyof typeof COMMANDS)
    : undefined;
  const name = command === undefined ? 'neverlose-emulator' : `neverlose-emulator ${command}`;
  try {
    return command === undefined
      ? await startCommand(argv, io)
      : await COMMANDS[command](argv.slice(1), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${name}: ${error.message}\nRun "${name} --help" for the options.\n`);
      return EXIT_USAGE;
    }
    io.err(`${name}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}

export { LISTEN_HELP, START_HELP, TRIGGER_HELP };

/** The bin's entry: {@link run} with the process's arguments, its exit code the process's. */
export const main = (): Promise<void> => launch('neverlose-emulator', run);
