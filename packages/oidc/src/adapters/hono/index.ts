export type { NeverloseSessionUser } from '../shared/session-user.js';
export { neverloseAuth, requireNeverloseUser } from './middleware.js';
export type {
  NeverloseEnv,
  NeverloseFailure,
  NeverloseHonoOptions,
  NeverloseVariables,
  PerContext,
} from './options.js';
export {
  MemorySessionRevocations,
  type MemorySessionRevocationsOptions,
  type SessionRevocations,
} from './session-revocations.js';
