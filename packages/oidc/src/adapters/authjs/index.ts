export type { NeverloseProviderOptions } from '../shared/provider-options.js';
export type { NeverloseAuthUser, NeverloseSessionUser } from '../shared/session-user.js';
export type { NeverloseAuthjsOptions } from './provider.js';
export { Neverlose, Neverlose as default } from './provider.js';
