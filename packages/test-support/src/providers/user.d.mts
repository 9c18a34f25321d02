/** The Neverlose user every test provider signs in, with the claims Neverlose documents. */
export declare const USER: Readonly<{
  sub: string;
  preferred_username: string;
  name: string;
  profile: string;
  picture: string;
  email: string;
  'cc.neverlose.reg_date': string;
  'cc.neverlose.user_id': number;
  'cc.neverlose.login': string;
}>;

/** The userinfo claims of each scope, as the provider's docs list them. */
export declare const SCOPE_CLAIMS: Readonly<Record<'openid' | 'profile' | 'email', string[]>>;
