import { defineConfig } from 'vitest/config';

// `pnpm test` runs every project but `slow`; `pnpm test:slow` runs `slow` (packages/test-support/src/slow-tests.mjs
// says what it holds). Most tests wait on sockets and child processes rather than compute, so more
// files run at once than the machine has cores (vitest's default is one fewer than the cores).
export default defineConfig({
  test: {
    projects: ['packages/*', 'test/vitest.config.ts', 'test/vitest.slow.config.ts'],
    maxWorkers: 3,
  },
});
