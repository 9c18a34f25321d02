import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'oidc',
    include: ['test/**/*.test.ts'],
  },
});
