// Builds the matrix for the runtimes with esbuild, into test/runtimes/test-results/build/.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { workerBuildOptions } from './worker-build.mjs';

const here = import.meta.dirname;
export const buildDir = join(here, 'test-results', 'build');

/**
 * Every package left to the runtime but @neverlose-toolkit/test-support, whose TypeScript source is
 * compiled into the bundle (a runtime would not load `.ts` from node_modules).
 */
const externalButTestSupport: Plugin = {
  name: 'external-but-test-support',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path.startsWith('@neverlose-toolkit/test-support/') ? undefined : { path, external: true },
    );
  },
};

/**
 * For Node, Bun and Deno: the checks compiled to JavaScript, with every package but the test
 * support left to the runtime to resolve from test/runtimes/node_modules (`neverlose-market` as
 * the runtime loads it). Returns the entry's path.
 */
export async function buildForHosts(): Promise<string> {
  const outdir = join(buildDir, 'host');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
    entryPoints: { main: join(here, 'main.ts') },
    outdir,
    plugins: [externalButTestSupport],
  });
  return join(outdir, 'main.js');
}

/** For workerd: one Worker (`index.js` and its chunks). Returns its directory. */
export async function buildForWorkerd(): Promise<string> {
  const outdir = join(buildDir, 'worker');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    ...workerBuildOptions,
    splitting: true,
    entryPoints: { index: join(here, 'worker.ts') },
    outdir,
  });
  return outdir;
}
