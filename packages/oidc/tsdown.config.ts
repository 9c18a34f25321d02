import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tsdown.base.ts';

// One entry per adapter (`neverlose-oidc/hono`...): an app bundles only the framework it imports,
// and the root entry never imports an adapter (their frameworks are optional peer dependencies).
export default defineConfig(
  libraryConfig([
    'src/index.ts',
    'src/adapters/hono/index.ts',
    'src/adapters/authjs/index.ts',
    'src/adapters/next-auth/index.ts',
    'src/adapters/better-auth/index.ts',
    'src/testing/index.ts',
  ]),
);
