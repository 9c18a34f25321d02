import { slowPackageTests } from '@neverlose-toolkit/test-support/slow-tests';
import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    // Files share their worker's module cache (each cleans up what it changes): imports dominate.
    isolate: false,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...slowPackageTests.redis],
    // One Redis and one cluster for the whole run, shared by every file (keys carry a fresh prefix).
    globalSetup: ['@neverlose-toolkit/test-support/servers/redis'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
