import type { UserConfig } from 'tsdown';

/** How every published package is built: ESM + CommonJS + declarations, for Node 20.19. */
export function libraryConfig(entry: readonly string[]): UserConfig {
  return {
    entry: [...entry],
    format: ['esm', 'cjs'],
    // `eager`: the declarations of the shared workspace package (packages/internal), which the
    // package's tsconfig does not hold, are emitted with the package's own.
    dts: { eager: true },
    platform: 'node',
    target: 'node20.19',
    clean: true,
    // One output file per source file (`dist/webhooks/verify.js` for `src/webhooks/verify.ts`),
    // unminified with its comments: a stack trace names the source file and a line that reads as
    // the TypeScript does. Measured on neverlose-market with `npm pack --dry-run --json`: bundled
    // 194,037 B packed / 664,946 B unpacked; per file 206,966 / 682,203 (+7% / +3%); bundled with
    // source maps 371,597 / 1,429,115 (+92% / +115%), for traces no clearer than per-file output.
    unbundle: true,
    sourcemap: false,
    fixedExtension: false,
  };
}
