import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'postgres',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    // Files share their worker's module cache (each cleans up what it changes): imports dominate.
    isolate: false,
    include: ['test/**/*.test.ts'],
    // One PostgreSQL for the whole run, shared by every file (tables carry a fresh prefix).
    globalSetup: ['@neverlose-toolkit/test-support/servers/postgres'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
