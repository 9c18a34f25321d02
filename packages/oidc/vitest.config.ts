import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'oidc',
    include: ['test/**/*.test.ts'],
    // The property-based tests run thousands of cases: room for a loaded CI machine.
    testTimeout: 20_000,
  },
});
