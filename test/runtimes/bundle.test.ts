import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Message } from 'esbuild';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { installPacked, type PackedProject, portableMarketEntries } from '../support/packed.js';
import { buildDir } from './build.js';
import { cellTitle, checkCell, expectedBundleFailures } from './expected-failures.js';
import { workerd } from './runtimes.js';
import { workerBuildOptions } from './worker-build.mjs';

// What a Workers user gets: the packed tarballs installed with npm, a Worker module importing one
// portable entry at its top (where Workers forbid I/O, timers and random values), bundled by
// esbuild as a Workers build does, without nodejs_compat, aliases or stubs, then run by workerd.

/** The portable entries: every one a Worker may import. */
const entries = [...portableMarketEntries, 'neverlose-oidc'] as const;

interface Result {
  /** esbuild's error, when the bundle could not be built. */
  readonly buildError?: string;
  /** workerd's answer: the entry's export names, or why the Worker did not start. */
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

/** What went wrong, from building the Worker to its answer. */
function failuresOf(result: Result | undefined): string[] {
  if (result === undefined) return ['no result'];
  if (result.buildError !== undefined) return [`esbuild: ${result.buildError}`];
  if (result.error !== undefined) return [`workerd: ${result.error}`];
  const names = result.status === 200 ? (JSON.parse(result.body ?? '[]') as string[]) : [];
  return names.length > 0 ? [] : [`answered ${result.status}: ${result.body}`];
}

/** esbuild's errors with their notes (which say, for instance, that a subpath is not exported). */
function buildErrorText(error: unknown): string {
  const { errors } = error as { errors?: Message[] };
  if (!Array.isArray(errors)) return String(error);
  return errors
    .map((message) => [message.text, ...message.notes.map((note) => note.text)].join(' '))
    .join('\n');
}

let project: PackedProject;
const results = new Map<string, Result>();

beforeAll(async () => {
  project = await installPacked(['market', 'oidc']);
  const dirs = new Map<string, string>();
  for (const [index, entry] of entries.entries()) {
    const source = join(project.dir, `worker-${index}.js`);
    writeFileSync(
      source,
      `import * as entry from '${entry}';
       const names = Object.keys(entry).sort();
       export default { fetch: () => Response.json(names) };`,
    );
    const outdir = join(project.dir, 'workers', String(index));
    mkdirSync(outdir, { recursive: true });
    try {
      await build({
        ...workerBuildOptions,
        absWorkingDir: project.dir,
        entryPoints: { index: source },
        outdir,
      });
      dirs.set(outdir, entry);
    } catch (error) {
      results.set(entry, { buildError: buildErrorText(error) });
    }
  }
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      workerd.command,
      workerd.args(...dirs.keys()),
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (_error, out, err) => resolve({ stdout: out, stderr: err }),
    );
    child.stdin?.end('{}');
  });
  for (const line of stdout.trim().split('\n').filter(Boolean)) {
    const answer = JSON.parse(line) as Result & { dir: string };
    results.set(dirs.get(answer.dir)!, answer);
  }
  for (const entry of dirs.values()) {
    if (!results.has(entry)) results.set(entry, { error: `no answer from workerd: ${stderr}` });
  }
}, 300_000);

afterAll(() => {
  project?.remove();
  const rows = entries.map((entry) => {
    const failures = failuresOf(results.get(entry));
    return `| \`${entry}\` | ${failures.length === 0 ? 'passes' : `fails: ${failures[0]!.split('\n')[0]}`} |`;
  });
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(
    join(buildDir, '..', 'bundle.md'),
    ['| entry (packed, bundled, on workerd) | result |', '| --- | --- |', ...rows, ''].join('\n'),
  );
});

describe('a Worker importing a portable entry of the packed tarballs, on workerd', () => {
  for (const entry of entries) {
    const expected = expectedBundleFailures[entry];
    it(cellTitle(`${entry} bundles, starts and lists its exports`, expected), () => {
      checkCell(failuresOf(results.get(entry)), expected);
    });
  }
});
