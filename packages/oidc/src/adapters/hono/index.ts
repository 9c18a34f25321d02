export {
  MemorySessionRevocations,
  type MemorySessionRevocationsOptions,
  type SessionRevocations,
} from '../shared/session-revocations.js';
export type { NeverloseSessionUser } from '../shared/session-user.js';
export { neverloseAuth, requireNeverloseUser } from './middleware.js';
export type {
  NeverloseEnv,
  NeverloseFailure,
  NeverloseHonoOptions,
  NeverloseVariables,
  PerContext,
} from './options.js';
