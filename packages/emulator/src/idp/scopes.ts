/** The scopes of the docs' table. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'no_state', 'no_pkce'] as const;

/** The claims of the docs' userinfo table. */
export const SUPPORTED_CLAIMS = [
  'sub',
  'preferred_username',
  'name',
  'profile',
  'picture',
  'email',
  'cc.neverlose.reg_date',
  'cc.neverlose.user_id',
  'cc.neverlose.login',
  'iss',
  'aud',
  'exp',
  'iat',
  'nonce',
  'at_hash',
] as const;
