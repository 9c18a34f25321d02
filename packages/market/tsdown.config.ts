import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tsdown.base.ts';

/** One entry per concern (package.json "exports"); `sqlite` is the only one that loads a native peer. */
const entries = {
  index: 'src/index.ts',
  signing: 'src/signing/index.ts',
  webhooks: 'src/webhooks/index.ts',
  reseller: 'src/reseller/index.ts',
  client: 'src/client/index.ts',
  prices: 'src/prices/index.ts',
  journal: 'src/journal/index.ts',
  errors: 'src/errors/index.ts',
  sqlite: 'src/sqlite/index.ts',
  testing: 'src/testing/index.ts',
  'cli/main': 'src/cli/main.ts',
};

export default defineConfig({ ...libraryConfig([]), entry: entries });
