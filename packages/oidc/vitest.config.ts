import { slowPackageTests } from '@neverlose-toolkit/test-support/slow-tests';
import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'oidc',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    // Files share their worker's module cache (each cleans up what it changes): imports dominate.
    isolate: false,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...slowPackageTests.oidc],
    // The property-based tests run thousands of cases: room for a loaded CI machine.
    testTimeout: 20_000,
  },
});
