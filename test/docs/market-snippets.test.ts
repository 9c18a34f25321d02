import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { marketPaths, pathDir, type SnippetHost, spawnProgram } from '../support/market-paths.js';
import { repoRoot } from '../support/packed.js';

// Every file the market README shows runs here as a program, as a developer runs it: its own
// process, its own folder (market.db), its settings from the environment the README exports,
// against neverlose-emulator. TypeScript is stripped with esbuild into test/test-results, whence
// `neverlose-market` resolves to the workspace build; test/first-hour runs the same paths on the
// packed tarballs.
const snippets = join(repoRoot, 'packages/market/snippets');
const built = join(repoRoot, 'test/test-results/market-snippets');
const bin = join(repoRoot, 'test/node_modules/.bin');
const PATH = `${bin}:${process.env['PATH']}`;

async function compiled(name: string): Promise<string> {
  mkdirSync(built, { recursive: true });
  const { code } = await transform(readFileSync(join(snippets, `${name}.ts`), 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
  });
  const file = join(built, `${name}.mjs`);
  writeFileSync(file, code);
  return file;
}

/**
 * Snippets this test does not run: the Worker runs on Workers (test/runtimes), the store contract is
 * a vitest file that packages/market/test/stores/readme-snippet.test.ts runs.
 */
const runElsewhere = new Set(['worker.ts', 'store-contract.ts']);

const files = new Map(
  await Promise.all(
    readdirSync(snippets)
      .filter((file) => file.endsWith('.ts') && !runElsewhere.has(file))
      .map(async (file) => [file.slice(0, -3), await compiled(file.slice(0, -3))] as const),
  ),
);

const host: SnippetHost = {
  start(name, { cwd, env, args = [] }) {
    const file = files.get(name);
    if (file === undefined) throw new Error(`no snippet ${name}`);
    return spawnProgram(process.execPath, [file, ...args], { cwd, env: { ...env, PATH } });
  },
  shell(name, { cwd, env }) {
    return spawnProgram('bash', ['-e', join(snippets, `${name}.sh`)], {
      cwd,
      env: { ...env, PATH },
    });
  },
  emulatorCli(args, env) {
    return spawnProgram(join(bin, 'neverlose-emulator'), args, { cwd: repoRoot, env });
  },
};

const emulators: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.stop()));
});

describe.concurrent('the market README, each path run as written against neverlose-emulator', () => {
  it('covers every snippet file but the Worker (which runs on Workers) and the store contract (a vitest file)', () => {
    const covered = new Set(marketPaths.flatMap((path) => path.snippets));
    const shown = readdirSync(snippets)
      .filter((file) => !runElsewhere.has(file))
      .map((file) => file.replace(/\.(ts|sh)$/, ''));
    expect(shown.filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(marketPaths.map((path) => [path.name, path]))('%s', async (_, path) => {
    const emulator = await startEmulator();
    emulators.push(emulator);
    const outcome = await path.run({ emulatorUrl: emulator.url, host, dir: pathDir() });
    expect(outcome).not.toBe('');
  });
});
