import { resolve } from 'node:path';
import { configDefaults, defineProject } from 'vitest/config';
import { slowFiles, slowFolders, slowPackageTests } from './support/slow-tests.js';

// `pnpm test:slow`: see support/slow-tests.ts. Paths are from the repository root.
export default defineProject({
  test: {
    name: 'slow',
    root: resolve(import.meta.dirname, '..'),
    include: [
      ...slowFolders.map((folder) => `test/${folder}/**/*.test.ts`),
      ...slowFiles.map((file) => `test/${file}`),
      ...Object.entries(slowPackageTests).flatMap(([pkg, files]) =>
        files.map((file) => `packages/${pkg}/${file}`),
      ),
    ],
    exclude: [...configDefaults.exclude, 'test/test-results/**'],
    globalSetup: ['test/support/servers/redis.ts', 'test/support/servers/postgres.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
