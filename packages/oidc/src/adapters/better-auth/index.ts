export type { NeverloseProviderOptions } from '../shared/provider-options.js';
export type { NeverloseSessionUser } from '../shared/session-user.js';
export type {
  NeverloseBetterAuthOptions,
  NeverloseBetterAuthUserInfo,
  NeverloseMappedUser,
} from './provider.js';
export { neverlose, neverlose as default } from './provider.js';
