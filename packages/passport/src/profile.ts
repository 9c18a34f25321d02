import type { NeverloseClaims, NeverloseProfile } from 'neverlose-oidc';

/**
 * A Neverlose user in the shape Passport strategies share
 * ({@link https://www.passportjs.org/reference/normalized-profile/ normalized profile}), plus the
 * Neverlose extras. Absent claims give absent fields.
 */
export interface PassportNeverloseProfile {
  /** Always `'neverlose'`. */
  readonly provider: 'neverlose';
  /** The stable user id (`sub`). */
  readonly id: string;
  /** The login. */
  readonly username?: string;
  /** The name to show. */
  readonly displayName?: string;
  /** The email, when the `email` scope was granted. */
  readonly emails?: readonly { readonly value: string }[];
  /** The picture, when the `profile` scope was granted. */
  readonly photos?: readonly { readonly value: string }[];
  /** The forum profile URL. */
  readonly profileUrl?: string;
  /** The numeric user id (`cc.neverlose.user_id`). */
  readonly userId?: number;
  /** The registration date, `YYYY-MM-DD`. */
  readonly registrationDate?: string;
  /** The userinfo claims. */
  readonly _json: NeverloseClaims;
  /** The userinfo claims as JSON text. */
  readonly _raw: string;
}

/** Converts a neverlose-oidc profile to the Passport convention. */
export function toPassportProfile(profile: NeverloseProfile): PassportNeverloseProfile {
  return {
    provider: 'neverlose',
    id: profile.id,
    ...(profile.username === undefined ? {} : { username: profile.username }),
    ...(profile.displayName === undefined ? {} : { displayName: profile.displayName }),
    ...(profile.email === undefined ? {} : { emails: [{ value: profile.email }] }),
    ...(profile.avatarUrl === undefined ? {} : { photos: [{ value: profile.avatarUrl }] }),
    ...(profile.profileUrl === undefined ? {} : { profileUrl: profile.profileUrl }),
    ...(profile.userId === undefined ? {} : { userId: profile.userId }),
    ...(profile.registrationDate === undefined
      ? {}
      : { registrationDate: profile.registrationDate }),
    _json: profile.claims,
    _raw: JSON.stringify(profile.claims),
  };
}
