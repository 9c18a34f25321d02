/** The Neverlose user every test provider signs in, with the claims Neverlose documents. */
export const USER = Object.freeze({
  sub: '1337',
  preferred_username: 'darth',
  name: 'darth',
  profile: 'https://neverlose.cc/forum/members/1337',
  picture: 'https://neverlose.cc/static/avatars/1337.png',
  email: 'darth@example.com',
  'cc.neverlose.reg_date': '2019-04-01',
  'cc.neverlose.user_id': 1337,
  'cc.neverlose.login': 'darth',
});

/** The userinfo claims of each scope, as the provider's docs list them. */
export const SCOPE_CLAIMS = Object.freeze({
  openid: ['sub', 'cc.neverlose.reg_date'],
  profile: [
    'preferred_username',
    'name',
    'profile',
    'picture',
    'cc.neverlose.user_id',
    'cc.neverlose.login',
  ],
  email: ['email'],
});
