import { configDefaults, defineProject } from 'vitest/config';
import { slowFolders } from './support/slow-tests.js';

export default defineProject({
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test-results/**', ...slowFolders.map((f) => `${f}/**`)],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
