import { resolve } from 'node:path';
import {
  slowFiles,
  slowFolders,
  slowPackageTests,
} from '@neverlose-toolkit/test-support/slow-tests';
import { configDefaults, defineProject } from 'vitest/config';

// `pnpm test:slow`: see slow-tests.ts of @neverlose-toolkit/test-support. Paths are from the repository root.
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
    globalSetup: [
      '@neverlose-toolkit/test-support/servers/redis',
      '@neverlose-toolkit/test-support/servers/postgres',
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
