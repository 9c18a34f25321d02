import type { UserConfig } from 'tsdown';

/** How every published package is built: ESM + CommonJS + declarations, for Node 20.19. */
export function libraryConfig(entry: readonly string[]): UserConfig {
  return {
    entry: [...entry],
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node20.19',
    clean: true,
    // No source maps: the output is unminified, keeps its comments and marks each source file
    // (`//#region src/...`), so a stack trace into it reads as well as the TypeScript; maps (with
    // the whole source inlined) would double every package's installed size for little more.
    sourcemap: false,
    fixedExtension: false,
  };
}
