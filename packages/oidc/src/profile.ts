/**
 * Claims of the userinfo endpoint, as the provider documents them. Which ones arrive depends on
 * the scopes granted; unknown claims are kept.
 *
 * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims OIDC Core §5.1}
 */
export interface NeverloseClaims {
  /** The user id as a string (`openid`). */
  readonly sub: string;
  /** The user's login (`profile`). */
  readonly preferred_username?: string;
  /** The user's login (`profile`). */
  readonly name?: string;
  /** URL of the user's forum profile (`profile`). */
  readonly profile?: string;
  /** URL of the user's picture, PNG (`profile`). */
  readonly picture?: string;
  /** The user's email (`email`). */
  readonly email?: string;
  /** Registration date, `YYYY-MM-DD` (`openid`, since July 2025). */
  readonly 'cc.neverlose.reg_date'?: string;
  /** The user id as an integer (`profile`, since March 2026). */
  readonly 'cc.neverlose.user_id'?: number;
  /** The user's login (`profile`, since March 2026). */
  readonly 'cc.neverlose.login'?: string;
  readonly [claim: string]: unknown;
}

/** Claims of a Neverlose id_token (discovery mode). */
export interface IdTokenClaims {
  /** Always `https://neverlose.cc`. */
  readonly iss: string;
  /** The user id as a string; the same as userinfo's. */
  readonly sub: string;
  /** Your client id. */
  readonly aud: string | readonly string[];
  /** Expiry, seconds since the epoch (the access token's lifetime). */
  readonly exp: number;
  /** Issue time, seconds since the epoch. */
  readonly iat: number;
  /** The nonce of the authorization request. */
  readonly nonce?: string;
  /** Left half of the access token's hash (OIDC Core §3.1.3.6). */
  readonly at_hash?: string;
  readonly [claim: string]: unknown;
}

/**
 * A Neverlose user. A field is absent when its scope was not granted or its claim did not come:
 * never an empty string.
 */
export interface NeverloseProfile {
  /** The stable user id (`sub`), a string of digits. Key your accounts on it. */
  readonly id: string;
  /** The same id as a number (`cc.neverlose.user_id`). */
  readonly userId?: number;
  /** The login (`cc.neverlose.login`, else `preferred_username`). Users can change it. */
  readonly username?: string;
  /** The name to show (`name`, else the username). */
  readonly displayName?: string;
  /** The email (`email` scope). Neverlose does not say whether it is verified. */
  readonly email?: string;
  /** The picture URL (`picture`), `https:` or `http:` only. */
  readonly avatarUrl?: string;
  /** The forum profile URL (`profile`), `https:` or `http:` only. */
  readonly profileUrl?: string;
  /** The registration date, `YYYY-MM-DD` (`cc.neverlose.reg_date`). */
  readonly registrationDate?: string;
  /** Every userinfo claim, as received. */
  readonly claims: NeverloseClaims;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function webUrl(value: unknown): string | undefined {
  const candidate = text(value);
  if (candidate === undefined || !URL.canParse(candidate)) return undefined;
  const { protocol } = new URL(candidate);
  return protocol === 'https:' || protocol === 'http:' ? candidate : undefined;
}

/**
 * Builds a {@link NeverloseProfile} from userinfo claims. Pure: no I/O. Claims of the wrong type
 * (a numeric id as a string, a `javascript:` picture URL) are left out of the profile but stay in
 * `claims`.
 *
 * @example
 * ```ts
 * toProfile({ sub: '42', preferred_username: 'darth' }); // { id: '42', username: 'darth', ... }
 * ```
 */
export function toProfile(claims: NeverloseClaims): NeverloseProfile {
  const userId = claims['cc.neverlose.user_id'];
  const username = text(claims['cc.neverlose.login']) ?? text(claims.preferred_username);
  const displayName = text(claims.name) ?? username;
  const email = text(claims.email);
  const avatarUrl = webUrl(claims.picture);
  const profileUrl = webUrl(claims.profile);
  const regDate = claims['cc.neverlose.reg_date'];
  return {
    id: claims.sub,
    ...(Number.isSafeInteger(userId) && (userId as number) >= 0 ? { userId } : {}),
    ...(username === undefined ? {} : { username }),
    ...(displayName === undefined ? {} : { displayName }),
    ...(email === undefined ? {} : { email }),
    ...(avatarUrl === undefined ? {} : { avatarUrl }),
    ...(profileUrl === undefined ? {} : { profileUrl }),
    ...(typeof regDate === 'string' && DATE.test(regDate) ? { registrationDate: regDate } : {}),
    claims,
  };
}
