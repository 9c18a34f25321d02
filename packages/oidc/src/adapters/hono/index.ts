export {
  MemorySessionRevocationStore,
  type MemorySessionRevocationStoreOptions,
  type SessionRevocationStore,
} from '../shared/session-revocation-store.js';
export type { NeverloseSessionUser } from '../shared/session-user.js';
export { neverloseAuth, requireNeverloseUser } from './middleware.js';
export type {
  NeverloseEnv,
  NeverloseFailure,
  NeverloseHonoOptions,
  NeverloseVariables,
  PerContext,
} from './options.js';
