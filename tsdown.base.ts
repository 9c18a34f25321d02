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
    sourcemap: true,
    fixedExtension: false,
  };
}
