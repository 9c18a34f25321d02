import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  marketPaths,
  marketTestFiles,
  pathDir,
  readmeAppHost,
  type SnippetHost,
} from '../support/market-paths.js';
import { repoRoot } from '../support/packed.js';
import { spawnProgram } from '../support/program.js';
import { createReadmeApp, type ReadmeApp, readmeFiles } from '../support/readme-app.js';

// Every file the market README shows runs here as a program, as a developer runs it: its own
// process, its own folder (market.db), its settings from the environment the README exports,
// against neverlose-emulator. The files are cut out of README.md into an app folder whose
// `neverlose-market` is the workspace build; test/first-hour runs the same paths on the packed
// tarballs.
const README = 'packages/market/README.md';
const bin = join(repoRoot, 'test/node_modules/.bin');

/** Files this test does not run: the Worker runs on Workers (test/runtimes), the tests in vitest. */
const runElsewhere = new Set(['worker.ts', ...marketTestFiles]);

let app: ReadmeApp;
let host: SnippetHost;
const emulators: RunningEmulator[] = [];

beforeAll(async () => {
  app = createReadmeApp('neverlose-market-readme');
  for (const [file, text] of readmeFiles(README)) {
    if (runElsewhere.has(file)) continue;
    if (file.endsWith('.ts')) await app.writeTypeScript(file, text);
    else app.write(file, text);
  }
  host = readmeAppHost(app, bin, (args, env) =>
    spawnProgram(join(bin, 'neverlose-emulator'), args, { cwd: repoRoot, env }),
  );
});
afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  app?.remove();
});

describe.concurrent('the market README, each path run as written against neverlose-emulator', () => {
  it('covers every file of the README but the Worker (which runs on Workers) and the store contract (a vitest file)', () => {
    const covered = new Set(marketPaths.flatMap((path) => path.snippets));
    const shown = [...readmeFiles(README).keys()]
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
