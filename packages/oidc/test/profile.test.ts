import { describe, expect, it } from 'vitest';
import { isNeverloseOidcError, isUserError, NeverloseOidcError, toProfile } from '../src/index.js';

describe('toProfile', () => {
  it('maps every documented claim', () => {
    const claims = {
      sub: '7',
      preferred_username: 'pref',
      name: 'Shown',
      profile: 'https://neverlose.cc/forum/members/7',
      picture: 'https://neverlose.cc/a/7.png',
      email: 'u@example.com',
      'cc.neverlose.reg_date': '2021-12-31',
      'cc.neverlose.user_id': 7,
      'cc.neverlose.login': 'login7',
    };
    expect(toProfile(claims)).toEqual({
      id: '7',
      userId: 7,
      username: 'login7',
      displayName: 'Shown',
      email: 'u@example.com',
      avatarUrl: 'https://neverlose.cc/a/7.png',
      profileUrl: 'https://neverlose.cc/forum/members/7',
      registrationDate: '2021-12-31',
      claims,
    });
  });

  it('leaves fields out when their scope was not granted, never empty strings', () => {
    expect(toProfile({ sub: '7' })).toEqual({ id: '7', claims: { sub: '7' } });
    expect(toProfile({ sub: '7', email: '', name: ' ' })).toEqual({
      id: '7',
      claims: { sub: '7', email: '', name: ' ' },
    });
  });

  it('leaves out claims of the wrong type or an unsafe URL scheme', () => {
    const profile = toProfile({
      sub: '7',
      picture: 'javascript:alert(1)',
      profile: 'not a url',
      'cc.neverlose.user_id': '7' as unknown as number,
      'cc.neverlose.reg_date': '31.12.2021',
    });
    expect(profile).toEqual({ id: '7', claims: expect.any(Object) });
  });
});

describe('errors', () => {
  it('carry a stable code and are recognised across copies by a registered symbol', () => {
    const error = new NeverloseOidcError('ERR_STATE_MISMATCH', 'x');
    expect(error.code).toBe('ERR_STATE_MISMATCH');
    expect(isNeverloseOidcError(error)).toBe(true);
    expect(isNeverloseOidcError(Object.create(NeverloseOidcError.prototype))).toBe(true);
    expect(isNeverloseOidcError(new Error('x'))).toBe(false);
  });

  it('tell what the user did from what the provider did', () => {
    expect(isUserError(new NeverloseOidcError('ERR_ACCESS_DENIED', 'x'))).toBe(true);
    expect(isUserError(new NeverloseOidcError('ERR_TRANSACTION_EXPIRED', 'x'))).toBe(true);
    expect(isUserError(new NeverloseOidcError('ERR_NETWORK', 'x'))).toBe(false);
    expect(isUserError(new NeverloseOidcError('ERR_ID_TOKEN_INVALID', 'x'))).toBe(false);
  });
});
