export type { NeverloseProviderOptions } from '../shared/provider-options.js';
export { sameOriginRedirect } from '../shared/same-origin-redirect.js';
export type { NeverloseAuthUser, NeverloseSessionUser } from '../shared/session-user.js';
export type { NeverloseNextAuthOptions } from './provider.js';
export { Neverlose, Neverlose as default } from './provider.js';
export {
  guardNextAuthRoute,
  type NextAuthRoute,
  type NextAuthRouteContext,
} from './route.js';
