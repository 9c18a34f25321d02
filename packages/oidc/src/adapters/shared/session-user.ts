import type { NeverloseProfile } from '../../profile.js';

/**
 * What a session keeps of a Neverlose user: the profile without the raw claims, so that it stays
 * small enough for a cookie. A field is absent when its claim did not come.
 */
export interface NeverloseSessionUser extends Omit<NeverloseProfile, 'claims'> {}

/** @internal The profile without its claims. */
export function sessionUserOf(profile: NeverloseProfile): NeverloseSessionUser {
  const { claims: _claims, ...user } = profile;
  return user;
}

/**
 * The user Auth.js and next-auth keep (`id`, `name`, `email`, `image`), with the whole Neverlose
 * profile under `neverlose`. Absent claims give `null`, as both frameworks expect.
 */
export interface NeverloseAuthUser {
  /** The Neverlose user id (`sub`): `account.providerAccountId`. */
  readonly id: string;
  /** The display name (`name`, else the login). */
  readonly name: string | null;
  /** The email, when the `email` scope was granted. */
  readonly email: string | null;
  /** The picture URL. */
  readonly image: string | null;
  /** The typed Neverlose profile, `cc.neverlose.*` claims included. */
  readonly neverlose: NeverloseSessionUser;
}

/** @internal Maps a profile to the user shape of Auth.js and next-auth. */
export function authUserOf(profile: NeverloseProfile): NeverloseAuthUser {
  return {
    id: profile.id,
    name: profile.displayName ?? null,
    email: profile.email ?? null,
    image: profile.avatarUrl ?? null,
    neverlose: sessionUserOf(profile),
  };
}
