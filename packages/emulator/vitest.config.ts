import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'emulator',
    include: ['test/**/*.test.ts'],
    // More files run at once than the machine has cores: room for the CPU-bound ones.
    testTimeout: 20_000,
  },
});
