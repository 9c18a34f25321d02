// Builds the matrix for the runtimes with esbuild, into test/runtimes/test-results/build/.
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const here = import.meta.dirname;
export const buildDir = join(here, 'test-results', 'build');

const common: BuildOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'silent',
};

/**
 * For Node, Bun and Deno: the checks compiled to JavaScript, with every package left to the
 * runtime to resolve from test/runtimes/node_modules (`neverlose-market` as the runtime loads it).
 * Returns the entry's path.
 */
export async function buildForHosts(): Promise<string> {
  const outdir = join(buildDir, 'host');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { main: join(here, 'main.ts') },
    outdir,
    packages: 'external',
  });
  return join(outdir, 'main.js');
}

/**
 * Options a Workers build uses (as wrangler's esbuild does without nodejs_compat): Worker and
 * browser export conditions, everything bundled, Node's built-in modules left as imports, which
 * workerd refuses to load.
 */
export const workerBuildOptions: BuildOptions = {
  ...common,
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: ['node:*', ...builtinModules],
};

/** For workerd: one Worker (`index.js` and its chunks). Returns its directory. */
export async function buildForWorkerd(): Promise<string> {
  const outdir = join(buildDir, 'worker');
  rmSync(outdir, { recursive: true, force: true });
  await build({ ...workerBuildOptions, entryPoints: { index: join(here, 'worker.ts') }, outdir });
  return outdir;
}
