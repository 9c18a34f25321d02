import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'passport',
    include: ['test/**/*.test.ts'],
  },
});
