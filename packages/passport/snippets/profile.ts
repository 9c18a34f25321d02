import type { PassportNeverloseProfile } from 'passport-neverlose';

// #region readme
const profile: PassportNeverloseProfile = {
  provider: 'neverlose',
  id: '1337', // sub
  username: 'darth',
  displayName: 'darth',
  emails: [{ value: 'darth@example.com' }], // with the email scope
  photos: [{ value: 'https://neverlose.cc/static/avatars/1337.png' }],
  profileUrl: 'https://neverlose.cc/forum/members/1337',
  userId: 1337, // cc.neverlose.user_id
  registrationDate: '2019-04-01', // cc.neverlose.reg_date
  _json: { sub: '1337', preferred_username: 'darth' /* ...every userinfo claim */ },
  _raw: '{"sub":"1337","preferred_username":"darth"}',
};

// #endregion

export { profile };
