import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test-results/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
