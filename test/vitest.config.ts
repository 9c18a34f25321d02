import { slowFiles, slowFolders } from '@neverlose-toolkit/test-support/slow-tests';
import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'integration',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    // Files share their worker's module cache (each cleans up what it changes): imports dominate.
    isolate: false,
    include: ['**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      'test-results/**',
      ...slowFolders.map((f) => `${f}/**`),
      ...slowFiles,
    ],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
