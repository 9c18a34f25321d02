import { EXIT_FAILED, EXIT_USAGE, UsageError } from './cli/args.js';
import type { CliIo } from './cli/io.js';
import { LISTEN_HELP, listenCommand } from './cli/listen.js';
import { START_HELP, startCommand } from './cli/start.js';

/**
 * Runs `neverlose-emulator` (start the emulator) or `neverlose-emulator listen` (print its webhook
 * deliveries); resolves with the exit code once it stopped (SIGINT/SIGTERM): 0 after a signal or
 * `--help`/`--version`, 1 when it could not run (port in use, emulator unreachable), 2 for bad
 * usage, with a line naming the flag.
 */
export async function run(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const io: CliIo = { out, err };
  const listen = argv[0] === 'listen';
  const name = listen ? 'neverlose-emulator listen' : 'neverlose-emulator';
  try {
    return listen ? await listenCommand(argv.slice(1), io) : await startCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`${name}: ${error.message}\nRun "${name} --help" for the options.\n`);
      return EXIT_USAGE;
    }
    err.write(`${name}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}

export { LISTEN_HELP, START_HELP };
