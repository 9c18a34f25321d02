// What the matrix (build.ts, bundle.test.ts, runtimes.ts) and the workerd bench (bench-workerd.mjs)
// share about Workers: how one is built, and which workerd runs it.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * esbuild options of a Workers build, as wrangler's esbuild makes one without nodejs_compat:
 * Worker and browser export conditions, everything bundled, Node's built-in modules left as
 * imports (which workerd refuses to load).
 * @type {import('esbuild').BuildOptions}
 */
export const workerBuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'silent',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: ['node:*', ...builtinModules],
};

/** The version of the workerd Miniflare runs (its compatibility date, `2026-07-30`). */
export function workerdVersion() {
  try {
    const miniflare = realpathSync(join(import.meta.dirname, 'node_modules', 'miniflare'));
    const binary = createRequire(join(miniflare, 'package.json')).resolve('workerd/bin/workerd');
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).replace('workerd', '').trim();
  } catch {
    return 'version unknown';
  }
}
