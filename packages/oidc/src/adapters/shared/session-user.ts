import type { NeverloseProfile } from '../../profile.js';

/**
 * What a session keeps of a Neverlose user: the profile without the raw claims, so that it stays
 * small enough for a cookie. A field is absent when its claim did not come.
 */
export interface NeverloseSessionUser {
  /** The stable user id (`sub`), a string of digits. Key your accounts on it. */
  readonly id: string;
  /** The same id as a number (`cc.neverlose.user_id`). */
  readonly userId?: number;
  /** The login (`cc.neverlose.login`, else `preferred_username`). */
  readonly username?: string;
  /** The name to show. */
  readonly displayName?: string;
  /** The email (`email` scope). */
  readonly email?: string;
  /** The picture URL. */
  readonly avatarUrl?: string;
  /** The forum profile URL. */
  readonly profileUrl?: string;
  /** The registration date, `YYYY-MM-DD`. */
  readonly registrationDate?: string;
}

/** @internal The profile without its claims. */
export function sessionUserOf(profile: NeverloseProfile): NeverloseSessionUser {
  const { claims: _claims, ...user } = profile;
  return user;
}
