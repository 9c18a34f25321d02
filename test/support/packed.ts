import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** A throwaway project with the named workspace packages installed from their packed tarballs. */
/** neverlose-market's portable entries: every one a Worker or a browser bundle may import. */
export const portableMarketEntries = [
  'neverlose-market',
  'neverlose-market/signing',
  'neverlose-market/webhooks',
  'neverlose-market/reseller',
  'neverlose-market/client',
  'neverlose-market/prices',
  'neverlose-market/journal',
  'neverlose-market/errors',
  'neverlose-market/testing',
] as const;

export interface PackedProject {
  readonly dir: string;
  /** Runs `node` in the project on a file written there. */
  node(
    file: string,
    source: string,
    options?: { input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<NodeResult>;
  remove(): void;
}

export interface NodeResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Packs each workspace package as `pnpm pack` would publish it (catalog: and workspace: resolved),
 * then installs the tarballs with npm into a fresh directory outside the workspace.
 */
export async function installPacked(packages: readonly string[]): Promise<PackedProject> {
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-packed-'));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  for (const name of packages) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(repoRoot, 'packages', name),
    });
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...files],
    {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return {
    dir,
    async node(file, source, options = {}) {
      writeFileSync(join(dir, file), source);
      return spawnNode(dir, [file], options);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a command to completion with optional stdin; never throws on a non-zero exit. */
export function spawnNode(
  cwd: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; command?: string } = {},
): Promise<NodeResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      options.command ?? process.execPath,
      args,
      { cwd, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolvePromise({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}
