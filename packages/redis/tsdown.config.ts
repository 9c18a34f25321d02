import { defineConfig } from 'tsdown';
import { libraryConfig } from '../../tsdown.base.ts';

// One entry per peer: `neverlose-redis/market` loads only neverlose-market, `neverlose-redis/oidc`
// only neverlose-oidc, and the root entry neither.
export default defineConfig(libraryConfig(['src/index.ts', 'src/market.ts', 'src/oidc.ts']));
