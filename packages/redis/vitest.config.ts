import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // Starting a cluster (three or six redis-server processes) takes seconds on a busy machine.
    hookTimeout: 60_000,
  },
});
