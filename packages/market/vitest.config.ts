import { slowPackageTests } from '@neverlose-toolkit/test-support/slow-tests';
import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'market',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    // Files share their worker's module cache (each cleans up what it changes): imports dominate.
    isolate: false,
    include: ['test/**/*.test.ts'],
    // More files run at once than the machine has cores: room for the CPU-bound ones.
    testTimeout: 20_000,
    exclude: [...configDefaults.exclude, ...slowPackageTests.market],
  },
});
