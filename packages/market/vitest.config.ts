import { configDefaults, defineProject } from 'vitest/config';
import { slowPackageTests } from '../../test/support/slow-tests.js';

export default defineProject({
  test: {
    name: 'market',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    include: ['test/**/*.test.ts'],
    // More files run at once than the machine has cores: room for the CPU-bound ones.
    testTimeout: 20_000,
    exclude: [...configDefaults.exclude, ...slowPackageTests.market],
  },
});
