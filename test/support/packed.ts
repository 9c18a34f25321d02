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

/** What {@link installPacked} installs besides the tarballs, and how. */
export interface InstallOptions {
  /** Registry packages installed with the tarballs, in the same `npm install` (`express`, `tsx@4`). */
  readonly with?: readonly string[];
  /** More flags of `npm install`. */
  readonly npmFlags?: readonly string[];
  /** More environment of `npm install` (its `npm_config_*`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The project's `package.json` `type`. @defaultValue `'commonjs'` */
  readonly type?: 'module' | 'commonjs';
}

/**
 * Packs each workspace package as `pnpm pack` would publish it (catalog: and workspace: resolved),
 * then installs the tarballs with npm into a fresh directory outside the workspace, in one
 * `npm install` with the registry packages of `options.with` (the npm cache preferred).
 */
export async function installPacked(
  packages: readonly string[],
  options: InstallOptions = {},
): Promise<PackedProject> {
  const dir = mkdtempSync(join(tmpdir(), 'neverlose-packed-'));
  const tarballs = join(dir, 'tarballs');
  mkdirSync(tarballs);
  await Promise.all(
    packages.map((name) =>
      run('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(repoRoot, 'packages', name),
      }),
    ),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: options.type ?? 'commonjs' }),
  );
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...(options.npmFlags ?? []),
      ...files,
      ...(options.with ?? []),
    ],
    {
      cwd: dir,
      env: { ...process.env, ...options.env },
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

/**
 * Source of a module's lines that make `test` (`describe`, `it` and `expect`) for the published
 * contract suites on `node:test`, with the three matchers the suites use on `node:assert`: a user
 * on a runner other than vitest writes the same. Needs `assert` (node:assert/strict), `describe`
 * and `it` (node:test) imported.
 */
export const NODE_TEST_API = `
  const matches = (actual, expected) =>
    expected !== null && typeof expected === 'object'
      ? Object.entries(expected).every(([k, v]) => actual != null && matches(actual[k], v))
      : Object.is(actual, expected);
  const expect = (actual) => ({
    toBe: (expected) => assert.equal(actual, expected),
    toEqual: (expected) => assert.deepEqual(actual, expected),
    toMatchObject: (expected) => assert.ok(matches(actual, expected), JSON.stringify(actual)),
  });
  const test = { describe, it, expect };`;
