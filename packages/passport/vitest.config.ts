import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'passport',
    // Worker threads start faster than child processes; no test here needs a process of its own.
    pool: 'threads',
    include: ['test/**/*.test.ts'],
    // More files run at once than the machine has cores: room for the CPU-bound ones.
    testTimeout: 20_000,
  },
});
