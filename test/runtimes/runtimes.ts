// The runtimes of the matrix, each installed from its npm package by test/runtimes/package.json.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const bin = (path: string) => join(import.meta.dirname, 'node_modules', path);

/** A runtime that runs an ES module file given on its command line. */
export interface HostRuntime {
  /** Short id, used in business keys and in the expected-failure table. */
  readonly id: string;
  /** The binary. */
  readonly command: string;
  /** The arguments that run `entry` with `rest` as its own arguments. */
  args(entry: string, ...rest: string[]): string[];
}

/** The binary of node@22, which also runs Miniflare (Miniflare 4 needs Node 22). */
export const node22 = bin('node22/bin/node');

export const hostRuntimes: readonly HostRuntime[] = [
  {
    id: `node-${process.versions.node.split('.')[0]}`,
    command: process.execPath,
    args: (entry, ...rest) => [entry, ...rest],
  },
  { id: 'node-22', command: node22, args: (entry, ...rest) => [entry, ...rest] },
  { id: 'node-24', command: bin('node24/bin/node'), args: (entry, ...rest) => [entry, ...rest] },
  { id: 'node-26', command: bin('node26/bin/node'), args: (entry, ...rest) => [entry, ...rest] },
  { id: 'bun', command: bin('.bin/bun'), args: (entry, ...rest) => [entry, ...rest] },
  {
    id: 'deno',
    command: bin('.bin/deno'),
    // Loopback only: the emulator, the run's Redis and PostgreSQL, the surfaces' own servers.
    // Reading node_modules and the environment, as npm packages do.
    args: (entry, ...rest) => [
      'run',
      '--quiet',
      '--allow-net=127.0.0.1',
      '--allow-read',
      '--allow-env',
      entry,
      ...rest,
    ],
  },
];

/** Runs Workers on workerd through Miniflare: `node@22 workerd.mjs <dir>...` (see workerd.mjs). */
export const workerd = {
  id: 'workerd',
  command: node22,
  args: (...dirs: string[]) => [join(import.meta.dirname, 'workerd.mjs'), ...dirs],
};

/** The version a runtime reports (`22.23.3`, `1.4.5`, `2.9.6`), or why it has none. */
export function versionOf(command: string): string {
  try {
    const line = execFileSync(command, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    return /\d+\.\d+\.\d+/.exec(line)?.[0] ?? line.trim();
  } catch (error) {
    return `not runnable: ${(error as Error).message.split('\n')[0]}`;
  }
}
