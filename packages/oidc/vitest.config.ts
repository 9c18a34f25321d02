import { configDefaults, defineProject } from 'vitest/config';
import { slowPackageTests } from '../../test/support/slow-tests.js';

export default defineProject({
  test: {
    name: 'oidc',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...slowPackageTests.oidc],
    // The property-based tests run thousands of cases: room for a loaded CI machine.
    testTimeout: 20_000,
  },
});
