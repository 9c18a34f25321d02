import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { EmulatorError } from '../errors.js';
import type { WorldSnapshot } from './records.js';
import type { World } from './world.js';

/**
 * Reads a persisted world, or `undefined` when the file does not exist yet.
 *
 * @throws {EmulatorError} `ERR_PERSISTENCE` when the file exists but is not a snapshot.
 */
export function readSnapshot(file: string): WorldSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new EmulatorError('ERR_PERSISTENCE', `Cannot read the world file ${file}: not JSON.`, {
      cause,
    });
  }
  const snapshot = parsed as Partial<WorldSnapshot> | null;
  const lists = [
    'users',
    'products',
    'items',
    'marketAccounts',
    'oauthClients',
    'completedIds',
    'ledger',
  ] as const;
  if (
    snapshot === null ||
    typeof snapshot !== 'object' ||
    snapshot.version !== 1 ||
    lists.some((key) => !Array.isArray(snapshot[key])) ||
    typeof snapshot.counters !== 'object'
  ) {
    throw new EmulatorError(
      'ERR_PERSISTENCE',
      `The world file ${file} is not a version 1 emulator snapshot.`,
    );
  }
  return snapshot as WorldSnapshot;
}

/** Writes the world to a file after each change (batched), atomically (write then rename). */
export class Persister {
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly world: World,
    readonly file: string,
    private readonly delayMs = 50,
  ) {
    this.unsubscribe = world.onChange(() => this.schedule());
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes now. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, `${JSON.stringify(this.world.snapshot(), null, 2)}\n`);
      renameSync(temp, this.file);
    } catch (cause) {
      throw new EmulatorError('ERR_PERSISTENCE', `Cannot write the world file ${this.file}.`, {
        cause,
      });
    }
  }

  /** Writes pending changes and stops listening. */
  close(): void {
    this.unsubscribe();
    this.flush();
  }
}
